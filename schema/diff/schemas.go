package diff

import "github.com/vektah/gqlparser/v2/ast"

// Schemas compares two API schemas. Changes come sorted by coordinate, then code;
// deterministic. A nil schema counts as an empty one.
func Schemas(old, new *ast.Schema) []Change {
	if old == nil {
		old = &ast.Schema{}
	}
	if new == nil {
		new = &ast.Schema{}
	}
	c := &collector{}
	c.roots(old, new)
	c.types(old, new)
	c.directives(old, new)
	sortChanges(c.out)
	return c.out
}

// roots compares the root operation types. A renamed root breaks every operation of that
// kind even when both types exist in both schemas.
func (c *collector) roots(old, new *ast.Schema) {
	c.root("query", old.Query, new.Query)
	c.root("mutation", old.Mutation, new.Mutation)
	c.root("subscription", old.Subscription, new.Subscription)
}

func (c *collector) root(op string, o, n *ast.Definition) {
	coord := "schema." + op
	switch {
	case o == nil && n == nil:
	case o == nil:
		c.add(Safe, "ROOT_TYPE_ADDED", coord, "The schema has a %s root type now (%q).", op, n.Name)
	case n == nil:
		c.add(Breaking, "ROOT_TYPE_REMOVED", coord, "The schema has no %s root type any more (it was %q): %s operations now fail.", op, o.Name, op)
	case o.Name != n.Name:
		c.add(Breaking, "ROOT_TYPE_CHANGED", coord, "The %s root type changed from %q to %q: %s operations now select from another type.", op, o.Name, n.Name, op)
	}
}
