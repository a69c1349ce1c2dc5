package introspect

import (
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/vektah/gqlparser/v2/ast"
)

// builtinScalars are the scalars the GraphQL spec defines. gqlparser's prelude declares all of
// them in every schema, but the spec (Scalars, Built-in Scalars) lists only the referenced
// ones: "If a built-in scalar type is not referenced anywhere in a schema (there is no field,
// argument, or input field of that type) then it must not be included." graphql-js does the
// same, and so does `__type` for such a name, which answers null.
var builtinScalars = [...]string{"Boolean", "Float", "ID", "Int", "String"}

// scalarSet is a set of builtinScalars, one bit per index.
type scalarSet uint8

func builtinIndex(name string) int {
	for i, n := range builtinScalars {
		if n == name {
			return i
		}
	}
	return -1
}

func (set scalarSet) has(name string) bool {
	i := builtinIndex(name)
	return i >= 0 && set&(1<<i) != 0
}

// addRef adds the named type under t (any LIST / NON_NULL wrapping removed) if it is a
// built-in scalar.
func (set *scalarSet) addRef(t *ast.Type) {
	if t == nil {
		return
	}
	if i := builtinIndex(t.Name()); i >= 0 {
		*set |= 1 << i
	}
}

func (set *scalarSet) addArgs(args ast.ArgumentDefinitionList) {
	for _, a := range args {
		set.addRef(a.Type)
	}
}

// referencedScalars computes which built-in scalars s references: as the type of a field, an
// argument or an input field of any type s holds (the introspection types included, which is
// what always brings in String and Boolean), or as the type of an argument of one of its
// directives. Every type s holds other than an unreferenced built-in scalar is listed by
// __schema.types, so walking all of them is the same as walking what the listing reaches.
// The meta-fields gqlparser adds to the query type (__schema, __type, __typename) are not
// fields of the schema and are skipped.
func referencedScalars(s *ast.Schema) scalarSet {
	var set scalarSet
	for _, def := range s.Types {
		for _, f := range def.Fields { // fields of objects and interfaces, input fields
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			set.addRef(f.Type)
			set.addArgs(f.Arguments)
		}
	}
	for _, d := range s.Directives {
		set.addArgs(d.Arguments)
	}
	return set
}

// scalarCache maps a schema, weakly so that a replaced API schema can be collected, to its
// referencedScalars. Each entry is deleted by a cleanup once its schema is gone.
var scalarCache sync.Map // weak.Pointer[ast.Schema] -> scalarSet

// referenced returns referencedScalars(s), computing it once per schema. Resolve runs per
// request; the schema is built once and never written afterwards (see the package doc), so
// the answer cannot go stale.
func referenced(s *ast.Schema) scalarSet {
	key := weak.Make(s)
	if v, ok := scalarCache.Load(key); ok {
		return v.(scalarSet)
	}
	set := referencedScalars(s)
	if v, loaded := scalarCache.LoadOrStore(key, set); loaded {
		return v.(scalarSet)
	}
	runtime.AddCleanup(s, func(k weak.Pointer[ast.Schema]) { scalarCache.Delete(k) }, key)
	return set
}

// listed reports whether introspection shows def: every type of the schema except a
// built-in scalar that nothing references.
func (e *executor) listed(def *ast.Definition) bool {
	if def.Kind != ast.Scalar || builtinIndex(def.Name) < 0 {
		return true
	}
	if !e.scalarsDone {
		e.scalars, e.scalarsDone = referenced(e.schema), true
	}
	return e.scalars.has(def.Name)
}
