package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Operation is a normalized operation: fragments expanded per concrete type, @skip and
// @include evaluated, and fields with the same response key merged. Equal operations
// written differently normalize to the same Key.
type Operation struct {
	Kind      ast.Operation
	Name      string
	Variables ast.VariableDefinitionList
	Selection *SelectionSet
	// Key is the canonical text of the normalized operation, the plan-cache key.
	Key string
}

// SelectionSet is what is selected on a value of static type Type, split by the concrete
// object type the value may have at run time. An object type has one case, itself.
type SelectionSet struct {
	Type  string
	Cases []*Case
	// Complete is set on an abstract selection with a case for every possible type.
	Complete bool
	// Uniform is set on a complete selection on an interface whose cases select the same
	// fields: the projection may use any case when the concrete type is not known.
	Uniform bool
}

// Case is the fields selected when the value's concrete type is Type, in the order the client
// first selected them.
type Case struct {
	Type   string
	Fields []*Field
}

// Field is one merged field of a case.
type Field struct {
	// Alias is the key of the field's value in subgraph operations and in the response tree:
	// the response key, except for a client field that uses "__typename" as the alias of
	// another field, which gets an internal one (the planner's own __typename needs the key).
	Alias string
	// Output is the response key when it differs from Alias.
	Output     string
	Name       string
	Arguments  ast.ArgumentList
	Definition *ast.FieldDefinition
	// Selection is nil for leaf fields.
	Selection *SelectionSet
	// Source is the client's field (with all merged selections) for root introspection
	// fields, which the executor answers itself.
	Source *ast.Field
}

// ResponseKey is the key the client sees.
func (f *Field) ResponseKey() string {
	if f.Output != "" {
		return f.Output
	}
	return f.Alias
}

// Case returns the case for a concrete type, or nil.
func (s *SelectionSet) Case(typeName string) *Case {
	if s == nil {
		return nil
	}
	for _, c := range s.Cases {
		if c.Type == typeName {
			return c
		}
	}
	return nil
}

// Abstract reports whether the selection set is on an interface or union.
func (s *SelectionSet) Abstract() bool {
	return len(s.Cases) != 1 || s.Cases[0].Type != s.Type
}

// Field returns the field with the given response key, or nil.
func (c *Case) Field(alias string) *Field {
	if c == nil {
		return nil
	}
	for _, f := range c.Fields {
		if f.Alias == alias {
			return f
		}
	}
	return nil
}
