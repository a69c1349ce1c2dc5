package satisfy

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// witness prints the shortest query found that reaches s and then takes e: the edges from
// the root, two-space indented, required arguments with placeholder values, and "..." below
// a failing field or down-cast that would need a selection.
func (c *checker) witness(s *state, e edge) string {
	var edges []edge
	kind := ""
	for p := s; p != nil; p = p.parent {
		if p.parent == nil {
			kind = p.kind
			break
		}
		edges = append(edges, p.edge)
	}
	for i, j := 0, len(edges)-1; i < j; i, j = i+1, j-1 {
		edges[i], edges[j] = edges[j], edges[i]
	}
	edges = append(edges, e)
	var b strings.Builder
	if kind != "query" {
		b.WriteString(kind + " ")
	}
	b.WriteString("{\n")
	for i, ed := range edges {
		indent(&b, i+1)
		b.WriteString(c.edgeText(ed))
		last := i == len(edges)-1
		switch {
		case !last:
			b.WriteString(" {\n")
		case ed.cast != "" || c.compositeType(ed.field.Type.Name()) != "":
			b.WriteString(" {\n")
			indent(&b, i+2)
			b.WriteString("...\n")
			indent(&b, i+1)
			b.WriteString("}\n")
		default:
			b.WriteString("\n")
		}
	}
	for i := len(edges) - 1; i >= 0; i-- {
		if i < len(edges)-1 {
			indent(&b, i+1)
			b.WriteString("}\n")
		}
	}
	b.WriteString("}")
	return b.String()
}

func indent(b *strings.Builder, n int) {
	b.WriteString(strings.Repeat("  ", n))
}

func (c *checker) edgeText(e edge) string {
	if e.cast != "" {
		return "... on " + e.cast
	}
	var args []string
	for _, a := range e.field.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			args = append(args, a.Name+": "+c.placeholder(a.Type, 0))
		}
	}
	if len(args) == 0 {
		return e.field.Name
	}
	return e.field.Name + "(" + strings.Join(args, ", ") + ")"
}

// placeholder is a value for a required argument of type t. It is a valid literal of the
// type wherever one exists without knowing the data: 0, false, [], the first enum value,
// an input object with its required fields; strings and custom scalars get "<any Type>".
func (c *checker) placeholder(t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[]"
	}
	switch t.NamedType {
	case "Int", "Float":
		return "0"
	case "Boolean":
		return "false"
	}
	def := c.sg.API.Types[t.NamedType]
	switch {
	case def == nil:
		return `"<any ` + t.NamedType + `>"`
	case def.Kind == ast.Enum && len(def.EnumValues) > 0:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		return c.inputPlaceholder(def, depth)
	}
	return `"<any ` + t.NamedType + `>"`
}

func (c *checker) inputPlaceholder(def *ast.Definition, depth int) string {
	if depth > 8 {
		return "{}" // a valid schema has no endless chain of required input fields
	}
	var fields []string
	for _, f := range def.Fields {
		if f.Type.NonNull && f.DefaultValue == nil {
			fields = append(fields, f.Name+": "+c.placeholder(f.Type, depth+1))
		}
	}
	return "{" + strings.Join(fields, ", ") + "}"
}
