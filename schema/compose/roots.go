package compose

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// rootNames are the default names of the root operation types, which the supergraph uses.
var rootNames = []struct {
	op               ast.Operation
	name, code, word string
}{
	{ast.Query, "Query", "ROOT_QUERY_USED", "query"},
	{ast.Mutation, "Mutation", "ROOT_MUTATION_USED", "mutation"},
	{ast.Subscription, "Subscription", "ROOT_SUBSCRIPTION_USED", "subscription"},
}

// normalizeRoots renames root operation types declared with other names
// (`schema { query: RootQuery }`, or in `extend schema`) to Query, Mutation and
// Subscription, in place in doc, so that they merge with the other subgraphs' roots. A
// subgraph that also has a type with the default name that is not its root cannot be
// renamed: that is an error (Apollo's ROOT_*_USED), and false is returned.
func (sub *subgraph) normalizeRoots(doc *ast.SchemaDocument, c *collector) bool {
	declared := map[ast.Operation]*ast.OperationTypeDefinition{}
	for _, list := range [][]*ast.SchemaDefinition{doc.Schema, doc.SchemaExtension} {
		for _, s := range list {
			for _, o := range s.OperationTypes {
				declared[o.Operation] = o
			}
		}
	}
	renames := map[string]string{}
	ok := true
	for _, r := range rootNames {
		o := declared[r.op]
		if o == nil || o.Type == r.name {
			continue
		}
		if def := definitionNamed(doc, r.name); def != nil {
			c.report(r.code, sub, r.name, def.Position,
				"The schema has a type named %q but it is not set as the %s root type (%q is instead): this is not supported by federation, where each root type merges under its default name. Rename type %q, or make it the %s root type.",
				r.name, r.word, o.Type, r.name, r.word)
			ok = false
			continue
		}
		renames[o.Type] = r.name
	}
	if !ok || len(renames) == 0 {
		return ok
	}
	for _, list := range [][]*ast.SchemaDefinition{doc.Schema, doc.SchemaExtension} {
		for _, s := range list {
			for _, o := range s.OperationTypes {
				if to, found := renames[o.Type]; found {
					o.Type = to
				}
			}
		}
	}
	for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, d := range list {
			renameTypeRefs(d, renames)
		}
	}
	return true
}

// definitionNamed returns the first definition or extension of name in doc, or nil.
func definitionNamed(doc *ast.SchemaDocument, name string) *ast.Definition {
	for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, d := range list {
			if d.Name == name {
				return d
			}
		}
	}
	return nil
}

// renameTypeRefs renames d itself and every reference to a renamed type in it: field
// types and union members (root types are object types, so nothing else can name them).
func renameTypeRefs(d *ast.Definition, renames map[string]string) {
	if to, ok := renames[d.Name]; ok {
		d.Name = to
	}
	for _, f := range d.Fields {
		renameType(f.Type, renames)
	}
	for i, m := range d.Types {
		if to, ok := renames[m]; ok {
			d.Types[i] = to
		}
	}
}

func renameType(t *ast.Type, renames map[string]string) {
	for ; t != nil; t = t.Elem {
		if to, ok := renames[t.NamedType]; ok {
			t.NamedType = to
		}
	}
}
