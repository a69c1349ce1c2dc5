package compose

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// checkCostAndAuth refuses @cost on interface fields, auth directives on interfaces and
// malformed @listSize.
func (sub *subgraph) checkCostAndAuth(c *collector) {
	n := sub.names
	auth := []string{n.dir("authenticated"), n.dir("requiresScopes"), n.dir("policy")}
	sub.eachType(func(t *stype) {
		if t.kind == ast.Interface {
			for _, a := range auth {
				if d := t.def.Directives.ForName(a); d != nil {
					c.report("AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE", sub, t.name, d.Position,
						"Invalid use of @%s on interface %q: requirements go on the implementations' types and fields, from which they propagate to the interface.", a, t.name)
				}
			}
		}
		for _, f := range t.fields {
			if t.kind == ast.Interface {
				sub.checkInterfaceField(c, f, auth)
			}
			if d := f.def.Directives.ForName(n.dir("listSize")); d != nil {
				sub.checkListSize(c, f, d)
			}
		}
	})
}

func (sub *subgraph) checkInterfaceField(c *collector, f *sfield, auth []string) {
	if d := f.def.Directives.ForName(sub.names.dir("cost")); d != nil {
		c.report("COST_APPLIED_TO_INTERFACE_FIELD", sub, f.coordinate(), d.Position,
			"@cost cannot be applied to interface field %q: put it on the implementations' fields.", f.coordinate())
	}
	for _, a := range auth {
		if d := f.def.Directives.ForName(a); d != nil {
			c.report("AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE", sub, f.coordinate(), d.Position,
				"Invalid use of @%s on interface field %q: requirements go on the implementations' fields, from which they propagate to the interface.", a, f.coordinate())
		}
	}
}

func (sub *subgraph) checkListSize(c *collector, f *sfield, d *ast.Directive) {
	coord := f.coordinate()
	sized := listArg(d, "sizedFields")
	if f.def.Type.Elem == nil && len(sized) == 0 {
		c.report("LIST_SIZE_APPLIED_TO_NON_LIST", sub, coord, d.Position,
			"\"%s\" is not a list: @listSize goes on list fields, or on fields returning an object whose list fields are named in sizedFields.", coord)
	}
	if a := d.Arguments.ForName("assumedSize"); a != nil && a.Value != nil && strings.HasPrefix(a.Value.Raw, "-") {
		c.report("LIST_SIZE_INVALID_ASSUMED_SIZE", sub, coord, d.Position, "Assumed size of %q cannot be negative; use 0 or more.", coord)
	}
	for _, name := range listArg(d, "slicingArguments") {
		arg := f.def.Arguments.ForName(name)
		if arg == nil || arg.Type.Name() != "Int" || arg.Type.Elem != nil {
			c.report("LIST_SIZE_INVALID_SLICING_ARGUMENT", sub, coord, d.Position,
				"Slicing argument %q is not an Int argument of %q; name an existing Int argument.", name, coord)
		}
	}
	target := sub.schema.Types[f.def.Type.Name()]
	for _, name := range sized {
		var fd *ast.FieldDefinition
		if target != nil {
			fd = target.Fields.ForName(name)
		}
		if fd == nil || fd.Type.Elem == nil {
			c.report("LIST_SIZE_INVALID_SIZED_FIELD", sub, coord, d.Position,
				"Sized field %q is not a list field of %q (the type %q returns); name list fields of that type.", name, f.def.Type.Name(), coord)
		}
	}
}

func listArg(d *ast.Directive, name string) []string {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return nil
	}
	var out []string
	for _, c := range a.Value.Children {
		out = append(out, c.Value.Raw)
	}
	return out
}
