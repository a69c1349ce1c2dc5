package introspect

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// literal prints a default value as the GraphQL literal __InputValue.defaultValue carries,
// spaced the way graphql-js prints ("[1, 2]", "{a: 1, b: \"x\"}"). Block strings print as
// ordinary strings and input object fields in the order the input type declares them, again
// as graphql-js does. Numbers print as written in the SDL.
//
// gqlparser's ast.Value.String is not used for lists and objects because it leaves out the
// spaces, which would make the answer differ from every other GraphQL server's.
func (e *executor) literal(v *ast.Value, t *ast.Type) string {
	var b strings.Builder
	e.writeLiteral(&b, v, t)
	return b.String()
}

func (e *executor) writeLiteral(b *strings.Builder, v *ast.Value, t *ast.Type) {
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		b.WriteString((&ast.Value{Kind: ast.StringValue, Raw: v.Raw}).String())
	case ast.ListValue:
		elem := t
		if t != nil && t.Elem != nil {
			elem = t.Elem
		}
		b.WriteByte('[')
		for i, c := range v.Children {
			if i > 0 {
				b.WriteString(", ")
			}
			e.writeLiteral(b, c.Value, elem)
		}
		b.WriteByte(']')
	case ast.ObjectValue:
		e.writeObject(b, v, t)
	case ast.Variable:
		b.WriteString("$" + v.Raw)
	default: // Int, Float, Boolean, Enum and null print as their raw token.
		b.WriteString(v.Raw)
	}
}

// writeObject prints an input object literal with its fields in declaration order; fields
// the type does not declare (which validation rejects) follow in the order written.
func (e *executor) writeObject(b *strings.Builder, v *ast.Value, t *ast.Type) {
	var decl ast.FieldList
	if t != nil {
		if def := e.schema.Types[t.Name()]; def != nil {
			decl = def.Fields
		}
	}
	ordered := make([]*ast.ChildValue, 0, len(v.Children))
	for _, fd := range decl {
		for _, c := range v.Children {
			if c.Name == fd.Name {
				ordered = append(ordered, c)
				break
			}
		}
	}
	for _, c := range v.Children {
		if decl.ForName(c.Name) == nil {
			ordered = append(ordered, c)
		}
	}
	b.WriteByte('{')
	for i, c := range ordered {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name)
		b.WriteString(": ")
		var ft *ast.Type
		if fd := decl.ForName(c.Name); fd != nil {
			ft = fd.Type
		}
		e.writeLiteral(b, c.Value, ft)
	}
	b.WriteByte('}')
}
