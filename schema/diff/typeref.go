package diff

import "github.com/vektah/gqlparser/v2/ast"

// The safe-change predicates are graphql-js's (findBreakingChanges): an output may gain
// non-null at any level of the same named type and list shape, because a client already
// copes with every value it can now receive; an input may lose non-null at any level,
// because every value a client already sends still fits.

// outputProblem says why changing an output (field) type from o to n can hurt a client
// selecting it, or "" when the change is safe.
func outputProblem(o, n *ast.Type) string {
	switch {
	case namedType(o) != namedType(n):
		return "clients selecting it get a different type"
	case !sameShape(o, n):
		return "clients selecting it get a different list nesting"
	case !nullKept(o, n):
		return "clients selecting it may now get null where they could not before"
	}
	return ""
}

// inputProblem says why changing an input (argument or input field) type from o to n can
// make an operation that passes a value fail, or "" when the change is safe. hasDefault
// tells whether the new input has a default, which lets operations keep omitting it.
func inputProblem(o, n *ast.Type, hasDefault bool) string {
	switch {
	case namedType(o) != namedType(n):
		return "values clients pass no longer fit"
	case !sameShape(o, n):
		return "values clients pass no longer fit its list nesting"
	case !nullKept(n, o):
		if n.NonNull && !o.NonNull && !hasDefault {
			return "operations that omit it or pass null for it now fail"
		}
		if n.NonNull && !o.NonNull {
			return "operations that pass null for it now fail"
		}
		return "operations that pass null items in it now fail"
	}
	return ""
}

// namedType is the innermost named type of t, "" for nil.
func namedType(t *ast.Type) string {
	for t != nil && t.NamedType == "" {
		t = t.Elem
	}
	if t == nil {
		return ""
	}
	return t.NamedType
}

// sameShape reports whether a and b have the same list nesting, ignoring non-null.
func sameShape(a, b *ast.Type) bool {
	for a != nil && b != nil {
		if (a.Elem == nil) != (b.Elem == nil) {
			return false
		}
		a, b = a.Elem, b.Elem
	}
	return a == nil && b == nil
}

// nullKept reports whether every level that is non-null in strict is non-null in loose too,
// for two types of the same shape.
func nullKept(strict, loose *ast.Type) bool {
	for strict != nil && loose != nil {
		if strict.NonNull && !loose.NonNull {
			return false
		}
		strict, loose = strict.Elem, loose.Elem
	}
	return true
}

// typeString prints t as in SDL, "<none>" for nil.
func typeString(t *ast.Type) string {
	if t == nil {
		return "<none>"
	}
	nn := ""
	if t.NonNull {
		nn = "!"
	}
	if t.NamedType != "" || t.Elem == nil {
		return t.NamedType + nn
	}
	return "[" + typeString(t.Elem) + "]" + nn
}

// required reports whether an argument or input field must be passed: non-null without a
// default.
func required(t *ast.Type, def *ast.Value) bool {
	return t != nil && t.NonNull && def == nil
}
