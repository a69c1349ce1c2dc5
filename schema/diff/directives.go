package diff

import (
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// Only directives with executable locations (QUERY, FIELD, FRAGMENT_SPREAD, ...) matter to
// clients: operations write them. A type-system directive left in an API schema is
// information about the schema; no operation can use it, so its changes are Safe.

// directives compares the directive definitions, built-in ones aside.
func (c *collector) directives(old, new *ast.Schema) {
	for name, o := range old.Directives {
		if ignoredDirective(o) {
			continue
		}
		coord := "@" + name
		n := new.Directives[name]
		if n == nil {
			if executable(o) {
				c.add(Breaking, "DIRECTIVE_REMOVED", coord, "Directive %q was removed: operations that use it now fail.", coord)
			} else {
				c.add(Safe, "DIRECTIVE_REMOVED", coord, "Directive %q was removed; it has no executable locations, so no operation used it.", coord)
			}
			continue
		}
		c.directive(coord, o, n)
	}
	for name, n := range new.Directives {
		if ignoredDirective(n) || old.Directives[name] != nil {
			continue
		}
		c.add(Safe, "DIRECTIVE_ADDED", "@"+name, "Directive %q was added.", "@"+name)
	}
}

func ignoredDirective(d *ast.DirectiveDefinition) bool {
	return d == nil || d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn
}

// directive compares two definitions of the same directive.
func (c *collector) directive(coord string, o, n *ast.DirectiveDefinition) {
	for _, loc := range o.Locations {
		if slices.Contains(n.Locations, loc) {
			continue
		}
		if executableLocation(loc) {
			c.add(Breaking, "DIRECTIVE_LOCATION_REMOVED", coord, "Directive %q can no longer be used on %s: operations that use it there now fail.", coord, loc)
		} else {
			c.add(Safe, "DIRECTIVE_LOCATION_REMOVED", coord, "Directive %q can no longer be used on %s, a type-system location no operation uses.", coord, loc)
		}
	}
	for _, loc := range n.Locations {
		if !slices.Contains(o.Locations, loc) {
			c.add(Safe, "DIRECTIVE_LOCATION_ADDED", coord, "Directive %q can be used on %s now.", coord, loc)
		}
	}
	informational := !executable(o)
	switch {
	case o.IsRepeatable && !n.IsRepeatable && informational:
		c.add(Safe, "DIRECTIVE_REPEATABLE_REMOVED", coord, "Directive %q is no longer repeatable; it has no executable locations, so no operation used it.", coord)
	case o.IsRepeatable && !n.IsRepeatable:
		c.add(Breaking, "DIRECTIVE_REPEATABLE_REMOVED", coord, "Directive %q is no longer repeatable: operations that use it more than once in one place now fail.", coord)
	case !o.IsRepeatable && n.IsRepeatable:
		c.add(Safe, "DIRECTIVE_REPEATABLE_ADDED", coord, "Directive %q is repeatable now.", coord)
	}
	c.inputValues(inputSite{prefix: "DIRECTIVE_ARG", noun: "directive argument", informational: informational,
		coord: func(a string) string { return coord + "(" + a + ":)" }},
		fromArgs(o.Arguments), fromArgs(n.Arguments))
	c.description(coord, o.Description, n.Description)
}

// executable reports whether operations can use d somewhere.
func executable(d *ast.DirectiveDefinition) bool {
	return slices.ContainsFunc(d.Locations, executableLocation)
}

func executableLocation(l ast.DirectiveLocation) bool {
	switch l {
	case ast.LocationQuery, ast.LocationMutation, ast.LocationSubscription, ast.LocationField,
		ast.LocationFragmentDefinition, ast.LocationFragmentSpread, ast.LocationInlineFragment,
		ast.LocationVariableDefinition:
		return true
	}
	return false
}
