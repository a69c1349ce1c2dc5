package subgraphtest

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// federationDirectives holds each federation directive's definition after its
// name, keyed by its canonical name. The definitions are the union of the
// Federation 1 and Federation 2 ones, so that both kinds of subgraph load.
var federationDirectives = map[string]string{
	"key":              "(fields: federation__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE",
	"requires":         "(fields: federation__FieldSet!) on FIELD_DEFINITION",
	"provides":         "(fields: federation__FieldSet!) on FIELD_DEFINITION",
	"external":         "(reason: String) on OBJECT | FIELD_DEFINITION",
	"extends":          " on OBJECT | INTERFACE",
	"shareable":        " repeatable on OBJECT | FIELD_DEFINITION",
	"inaccessible":     " on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION",
	"override":         "(from: String!, label: String) on FIELD_DEFINITION",
	"tag":              "(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA",
	"interfaceObject":  " on OBJECT",
	"composeDirective": "(name: String!) repeatable on SCHEMA",
	"authenticated":    " on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
	"requiresScopes":   "(scopes: [[federation__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
	"policy":           "(policies: [[federation__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
	"context":          "(name: String!) repeatable on INTERFACE | OBJECT | UNION",
	"fromContext":      "(field: federation__ContextFieldValue) on ARGUMENT_DEFINITION",
	"cost":             "(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
	"listSize":         "(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
}

// linkDirective is the definition of @link after its name.
const linkDirective = "(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA"

// anyLocation lets a directive the subgraph uses but neither defines nor
// imports from federation appear anywhere in the type system. Such a directive
// means nothing to the subgraph, and rejecting it would only make test cases
// harder to write.
const anyLocation = "SCHEMA | SCALAR | OBJECT | FIELD_DEFINITION | ARGUMENT_DEFINITION | INTERFACE | UNION | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"

// federationTypes are the types that the federation directives and the
// _service and _entities fields refer to. FieldSet and _FieldSet are the names
// Federation 2 and Federation 1 subgraphs use in their own definitions.
var federationTypes = []struct{ name, def string }{
	{"_Any", "scalar _Any"},
	{"_Service", "type _Service {\n  sdl: String\n}"},
	{"federation__FieldSet", "scalar federation__FieldSet"},
	{"FieldSet", "scalar FieldSet"},
	{"_FieldSet", "scalar _FieldSet"},
	{"federation__Scope", "scalar federation__Scope"},
	{"federation__Policy", "scalar federation__Policy"},
	{"federation__ContextFieldValue", "scalar federation__ContextFieldValue"},
	{"link__Import", "scalar link__Import"},
	{"link__Purpose", "enum link__Purpose {\n  SECURITY\n  EXECUTION\n}"},
}

// names maps a directive name as the subgraph SDL spells it to its canonical
// federation name: "key" and "federation__key" to "key", and a name imported
// with `{name: "@key", as: "@primaryKey"}` too. Plain names are always mapped,
// as Federation 1 has no @link and lenience costs nothing here.
type names map[string]string

func federationNames(sd *ast.SchemaDocument) names {
	n := names{}
	namespace := "federation"
	var imports [][2]string // local name, canonical name
	for _, d := range schemaDirectives(sd) {
		if d.Name != "link" || !strings.Contains(stringArg(d, "url"), "specs.apollo.dev/federation/") {
			continue
		}
		if as := stringArg(d, "as"); as != "" {
			namespace = as
		}
		imports = append(imports, linkImports(d)...)
	}
	for c := range federationDirectives {
		n[c] = c
		n[namespace+"__"+c] = c
	}
	for _, imp := range imports {
		if _, ok := federationDirectives[imp[1]]; ok {
			n[imp[0]] = imp[1]
		}
	}
	return n
}

// linkImports lists the directives a @link imports as (local, canonical)
// pairs, without their @.
func linkImports(link *ast.Directive) [][2]string {
	arg := link.Arguments.ForName("import")
	if arg == nil || arg.Value == nil {
		return nil
	}
	var out [][2]string
	for _, item := range arg.Value.Children {
		v := item.Value
		name, as := v.Raw, v.Raw
		if v.Kind == ast.ObjectValue {
			name, as = "", ""
			if c := v.Children.ForName("name"); c != nil {
				name = c.Raw
			}
			as = name
			if c := v.Children.ForName("as"); c != nil {
				as = c.Raw
			}
		}
		if strings.HasPrefix(name, "@") && strings.HasPrefix(as, "@") {
			out = append(out, [2]string{as[1:], name[1:]})
		}
	}
	return out
}

func schemaDirectives(sd *ast.SchemaDocument) ast.DirectiveList {
	var out ast.DirectiveList
	for _, s := range slices.Concat(sd.Schema, sd.SchemaExtension) {
		out = append(out, s.Directives...)
	}
	return out
}

func stringArg(d *ast.Directive, name string) string {
	if a := d.Arguments.ForName(name); a != nil && a.Value != nil {
		return a.Value.Raw
	}
	return ""
}

// federationSource returns the definitions the subgraph SDL needs and does
// not declare itself: the federation types, then a definition for each
// directive it uses. Directives that are not federation's get a catch-all
// definition taking each argument they are used with as _Any.
func federationSource(sd *ast.SchemaDocument, n names) string {
	definedTypes := map[string]bool{}
	for _, d := range sd.Definitions {
		definedTypes[d.Name] = true
	}
	definedDirectives := map[string]bool{}
	for _, d := range slices.Concat(sd.Directives, validator.PreludeDocument().Directives) {
		definedDirectives[d.Name] = true
	}

	var b strings.Builder
	for _, t := range federationTypes {
		if !definedTypes[t.name] {
			b.WriteString(t.def + "\n")
		}
	}
	used := usedDirectives(sd)
	for _, name := range sortedKeys(used) {
		if definedDirectives[name] {
			continue
		}
		b.WriteString("directive @" + name)
		switch canonical, ok := n[name]; {
		case name == "link":
			b.WriteString(linkDirective)
		case ok:
			b.WriteString(federationDirectives[canonical])
		default:
			if args := sortedKeys(used[name]); len(args) > 0 {
				b.WriteString("(" + strings.Join(args, ": _Any, ") + ": _Any)")
			}
			b.WriteString(" repeatable on " + anyLocation)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// usedDirectives returns the name of every directive the SDL applies, with the
// names of the arguments it is given.
func usedDirectives(sd *ast.SchemaDocument) map[string]map[string]bool {
	used := map[string]map[string]bool{}
	add := func(dirs ast.DirectiveList) {
		for _, d := range dirs {
			if used[d.Name] == nil {
				used[d.Name] = map[string]bool{}
			}
			for _, a := range d.Arguments {
				used[d.Name][a.Name] = true
			}
		}
	}
	add(schemaDirectives(sd))
	for _, def := range slices.Concat(sd.Definitions, sd.Extensions) {
		add(def.Directives)
		for _, f := range def.Fields {
			add(f.Directives)
			for _, a := range f.Arguments {
				add(a.Directives)
			}
		}
		for _, v := range def.EnumValues {
			add(v.Directives)
		}
	}
	for _, d := range sd.Directives {
		for _, a := range d.Arguments {
			add(a.Directives)
		}
	}
	return used
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
