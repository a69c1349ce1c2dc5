package supergraph

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// clientDirectives are the applied directives kept in the API schema: introspection shows them.
var clientDirectives = map[string]bool{"deprecated": true, "specifiedBy": true, "oneOf": true}

// buildAPI derives the client-facing schema: the supergraph without the linked specs'
// types and directives, and without anything marked @inaccessible.
func buildAPI(file, sdl string, links []link) (*ast.Schema, error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: file, Input: sdl})
	if err != nil {
		return nil, fromGQL(file, err)
	}
	inaccessible := "inaccessible"
	for _, l := range links {
		if l.Name == "inaccessible" {
			inaccessible = l.Prefix
		}
	}
	hidden := func(dirs ast.DirectiveList) bool { return dirs.ForName(inaccessible) != nil }
	gone := map[string]bool{}
	var defs ast.DefinitionList
	for _, def := range doc.Definitions {
		if specElement(links, def.Name) || hidden(def.Directives) {
			gone[def.Name] = true
			continue
		}
		defs = append(defs, def)
	}
	for _, def := range defs {
		filterDefinition(def, gone, hidden)
	}
	doc.Definitions = defs
	var dirs ast.DirectiveDefinitionList
	for _, dd := range doc.Directives {
		if dd.Name == "defer" {
			continue // not implemented: refusing it at validation beats ignoring it
		}
		if dd.Position != nil && dd.Position.Src != nil && dd.Position.Src.BuiltIn || !specElement(links, dd.Name) && isExecutable(dd) {
			dirs = append(dirs, dd)
		}
	}
	doc.Directives = dirs
	for _, sd := range doc.Schema {
		sd.Directives = nil
	}
	doc.SchemaExtension = nil
	api, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fromGQL(file, err)
	}
	return api, nil
}

func filterDefinition(def *ast.Definition, gone map[string]bool, hidden func(ast.DirectiveList) bool) {
	def.Directives = keepClientDirectives(def.Directives)
	var fields ast.FieldList
	for _, f := range def.Fields {
		if hidden(f.Directives) || gone[f.Type.Name()] {
			continue
		}
		f.Directives = keepClientDirectives(f.Directives)
		var args ast.ArgumentDefinitionList
		for _, a := range f.Arguments {
			if !hidden(a.Directives) {
				a.Directives = keepClientDirectives(a.Directives)
				args = append(args, a)
			}
		}
		f.Arguments = args
		fields = append(fields, f)
	}
	def.Fields = fields
	var values ast.EnumValueList
	for _, v := range def.EnumValues {
		if !hidden(v.Directives) {
			v.Directives = keepClientDirectives(v.Directives)
			values = append(values, v)
		}
	}
	def.EnumValues = values
	def.Types = keepNames(def.Types, gone)
	def.TypePositions = nil
	def.Interfaces = keepNames(def.Interfaces, gone)
}

func keepNames(names []string, gone map[string]bool) []string {
	var out []string
	for _, n := range names {
		if !gone[n] {
			out = append(out, n)
		}
	}
	return out
}

func keepClientDirectives(dirs ast.DirectiveList) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range dirs {
		if clientDirectives[d.Name] {
			out = append(out, d)
		}
	}
	return out
}

func isExecutable(dd *ast.DirectiveDefinition) bool {
	for _, l := range dd.Locations {
		switch l {
		case ast.LocationQuery, ast.LocationMutation, ast.LocationSubscription, ast.LocationField,
			ast.LocationFragmentDefinition, ast.LocationFragmentSpread, ast.LocationInlineFragment,
			ast.LocationVariableDefinition:
			return true
		}
	}
	return false
}
