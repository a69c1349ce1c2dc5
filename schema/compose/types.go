package compose

import "github.com/vektah/gqlparser/v2/ast"

// nullable returns t without its outer non-null.
func nullable(t *ast.Type) *ast.Type {
	c := *t
	c.NonNull = false
	return &c
}

// outputSubtype reports whether a value of output type a is always a valid value of type b:
// T! ⊂ T, [A] ⊂ [B] when A ⊂ B, an implementation ⊂ its interface, a member ⊂ its union.
func (m *merger) outputSubtype(a, b *ast.Type) bool {
	if b.NonNull {
		return a.NonNull && m.outputSubtype(nullable(a), nullable(b))
	}
	if a.NonNull {
		return m.outputSubtype(nullable(a), b)
	}
	if b.Elem != nil || a.Elem != nil {
		return a.Elem != nil && b.Elem != nil && m.outputSubtype(a.Elem, b.Elem)
	}
	return a.NamedType == b.NamedType || m.implements(a.NamedType, b.NamedType) || m.member(a.NamedType, b.NamedType)
}

// inputSubtype reports whether input type a is at least as strict as b: the same named type
// and list shape, with non-null wherever b has it.
func inputSubtype(a, b *ast.Type) bool {
	if b.NonNull && !a.NonNull {
		return false
	}
	if (a.Elem == nil) != (b.Elem == nil) {
		return false
	}
	if a.Elem != nil {
		return inputSubtype(a.Elem, b.Elem)
	}
	return a.NamedType == b.NamedType
}

// mostGeneralOutput folds types to the most general one; ok is false when two are unrelated.
func (m *merger) mostGeneralOutput(types []*ast.Type) (*ast.Type, bool) {
	out := types[0]
	for _, t := range types[1:] {
		switch {
		case m.outputSubtype(out, t):
			out = t
		case m.outputSubtype(t, out):
		default:
			return out, false
		}
	}
	return out, true
}

// mostSpecificInput folds input types to the strictest; ok is false when two are unrelated.
func mostSpecificInput(types []*ast.Type) (*ast.Type, bool) {
	out := types[0]
	for _, t := range types[1:] {
		switch {
		case inputSubtype(t, out):
			out = t
		case inputSubtype(out, t):
		default:
			return out, false
		}
	}
	return out, true
}

// typesBySubgraph describes differing types for an error: `"String" in subgraph "a" but
// "Int" in subgraphs "b" and "c"`.
func typesBySubgraph(types []*ast.Type, subs []string) string {
	var order []string
	by := map[string][]string{}
	for i, t := range types {
		s := t.String()
		if by[s] == nil {
			order = append(order, s)
		}
		by[s] = append(by[s], subs[i])
	}
	out := ""
	for i, s := range order {
		if i > 0 {
			out += " but "
		}
		out += "type \"" + s + "\" in " + subgraphsWord(by[s])
	}
	return out
}
