package planner

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// MaxSelections bounds the size of a normalized operation. Fragment expansion multiplies
// selections (a fragment spread in every branch of a deep tree), so an operation that is small
// as text can be huge once expanded; past this bound Normalize refuses it.
const MaxSelections = 100_000

// typenameAlias carries a client field aliased "__typename" in subgraph operations.
const typenameAlias = "trellis__typename"

var (
	typenameDef = &ast.FieldDefinition{Name: "__typename", Type: ast.NonNullNamedType("String", nil)}
	schemaDef   = &ast.FieldDefinition{Name: "__schema", Type: ast.NonNullNamedType("__Schema", nil)}
	typeDef     = &ast.FieldDefinition{Name: "__type", Type: ast.NamedType("__Type", nil),
		Arguments: ast.ArgumentDefinitionList{{Name: "name", Type: ast.NonNullNamedType("String", nil)}}}
)

// Normalize turns a validated operation into its normalized form. vars are the coerced
// variable values; they decide @skip and @include.
func Normalize(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any) (*Operation, error) {
	root := rootType(schema, op.Operation)
	if root == nil {
		return nil, fmt.Errorf("schema has no %s type", op.Operation)
	}
	n := &normalizer{schema: schema, vars: vars}
	sel := n.selectionSet(root.Name, []ast.SelectionSet{op.SelectionSet}, true)
	if n.err != nil {
		return nil, n.err
	}
	var key strings.Builder
	key.WriteString(string(op.Operation))
	for _, v := range op.VariableDefinitions {
		key.WriteString(" $" + v.Variable + ":" + v.Type.String())
	}
	writeKey(&key, sel)
	return &Operation{Kind: op.Operation, Name: op.Name, Variables: op.VariableDefinitions, Selection: sel, Key: key.String()}, nil
}

// NormalizeFieldSet normalizes a federation field set (a key, @requires or @provides) selected
// on typeName. Field sets carry no variables and no directives.
func NormalizeFieldSet(schema *ast.Schema, typeName string, set ast.SelectionSet) (*SelectionSet, error) {
	n := &normalizer{schema: schema}
	sel := n.selectionSet(typeName, []ast.SelectionSet{set}, false)
	return sel, n.err
}

// normalizeKey normalizes a key. A key on an interface is selected on the interface itself:
// an @interfaceObject subgraph sends and receives it without knowing the implementations.
func normalizeKey(schema *ast.Schema, typeName string, set ast.SelectionSet) (*SelectionSet, error) {
	def := schema.Types[typeName]
	if def == nil || def.Kind != ast.Interface {
		return NormalizeFieldSet(schema, typeName, set)
	}
	n := &normalizer{schema: schema}
	c := n.caseFor(def, []ast.SelectionSet{set}, false)
	return &SelectionSet{Type: typeName, Cases: []*Case{c}}, n.err
}

func rootType(schema *ast.Schema, kind ast.Operation) *ast.Definition {
	switch kind {
	case ast.Mutation:
		return schema.Mutation
	case ast.Subscription:
		return schema.Subscription
	}
	return schema.Query
}

type normalizer struct {
	schema *ast.Schema
	vars   map[string]any
	count  int
	err    error
}

func (n *normalizer) fail(format string, args ...any) {
	if n.err == nil {
		n.err = fmt.Errorf(format, args...)
	}
}

// selectionSet normalizes the merged selection sets sets, all selected on typeName.
func (n *normalizer) selectionSet(typeName string, sets []ast.SelectionSet, root bool) *SelectionSet {
	def := n.schema.Types[typeName]
	if def == nil {
		n.fail("unknown type %s", typeName)
		return nil
	}
	out := &SelectionSet{Type: typeName}
	if def.Kind == ast.Object {
		out.Cases = []*Case{n.caseFor(def, sets, root)}
		return out
	}
	possible := n.schema.GetPossibleTypes(def)
	for _, p := range possible {
		if c := n.caseFor(p, sets, false); len(c.Fields) > 0 {
			out.Cases = append(out.Cases, c)
		}
	}
	out.Complete = len(out.Cases) == len(possible)
	out.Uniform = def.Kind == ast.Interface && out.Complete && sameCases(out.Cases)
	return out
}

// sameCases reports whether every case selects the same fields, in the same order.
func sameCases(cases []*Case) bool {
	if len(cases) == 0 {
		return false
	}
	var first strings.Builder
	writeKey(&first, &SelectionSet{Type: cases[0].Type, Cases: cases[:1]})
	for _, c := range cases[1:] {
		var b strings.Builder
		writeKey(&b, &SelectionSet{Type: c.Type, Cases: []*Case{c}})
		if b.String() != first.String() {
			return false
		}
	}
	return true
}

// caseFor collects and merges the fields that apply to the object type obj.
func (n *normalizer) caseFor(obj *ast.Definition, sets []ast.SelectionSet, root bool) *Case {
	var order []string
	groups := map[string][]*ast.Field{}
	for _, set := range sets {
		n.collect(obj, set, &order, groups)
	}
	c := &Case{Type: obj.Name}
	for _, alias := range order {
		if n.err != nil {
			return c
		}
		f := n.field(obj, groups[alias], root)
		if alias == "__typename" && f.Name != "__typename" {
			f.Alias, f.Output = freeName(typenameAlias, func(k string) bool { return groups[k] != nil }), alias
		}
		c.Fields = append(c.Fields, f)
	}
	return c
}

func (n *normalizer) collect(obj *ast.Definition, set ast.SelectionSet, order *[]string, groups map[string][]*ast.Field) {
	for _, sel := range set {
		if n.count++; n.count > MaxSelections {
			n.fail("operation too large: more than %d selections after expanding fragments", MaxSelections)
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			if !n.included(s.Directives) {
				continue
			}
			alias := s.Alias
			if alias == "" {
				alias = s.Name
			}
			if _, seen := groups[alias]; !seen {
				*order = append(*order, alias)
			}
			groups[alias] = append(groups[alias], s)
		case *ast.InlineFragment:
			if n.included(s.Directives) && n.applies(obj, s.TypeCondition) {
				n.collect(obj, s.SelectionSet, order, groups)
			}
		case *ast.FragmentSpread:
			if s.Definition == nil {
				n.fail("fragment %s is not defined", s.Name)
				return
			}
			if n.included(s.Directives) && n.applies(obj, s.Definition.TypeCondition) {
				n.collect(obj, s.Definition.SelectionSet, order, groups)
			}
		}
	}
}

func (n *normalizer) field(obj *ast.Definition, fields []*ast.Field, root bool) *Field {
	first := fields[0]
	alias := first.Alias
	if alias == "" {
		alias = first.Name
	}
	f := &Field{Alias: alias, Name: first.Name, Arguments: first.Arguments}
	switch {
	case first.Name == "__typename":
		f.Definition = typenameDef
	case root && first.Name == "__schema":
		f.Definition = schemaDef
	case root && first.Name == "__type":
		f.Definition = typeDef
	default:
		f.Definition = obj.Fields.ForName(first.Name)
	}
	if f.Definition == nil {
		n.fail("field %s is not defined on %s", first.Name, obj.Name)
		return f
	}
	var sub []ast.SelectionSet
	for _, fd := range fields {
		if len(fd.SelectionSet) > 0 {
			sub = append(sub, fd.SelectionSet)
		}
	}
	if len(sub) > 0 {
		f.Selection = n.selectionSet(f.Definition.Type.Name(), sub, false)
	}
	if root && (f.Name == "__schema" || f.Name == "__type") {
		merged := *first
		merged.SelectionSet = nil
		for _, s := range sub {
			merged.SelectionSet = append(merged.SelectionSet, s...)
		}
		f.Source = &merged
	}
	return f
}

// applies reports whether a fragment with type condition cond applies to obj.
func (n *normalizer) applies(obj *ast.Definition, cond string) bool {
	if cond == "" || cond == obj.Name {
		return true
	}
	def := n.schema.Types[cond]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, p := range n.schema.GetPossibleTypes(def) {
		if p.Name == obj.Name {
			return true
		}
	}
	return false
}

// included evaluates @skip and @include.
func (n *normalizer) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		arg := d.Arguments.ForName("if")
		if arg == nil {
			continue
		}
		v, err := arg.Value.Value(n.vars)
		b, ok := v.(bool)
		if err != nil || !ok {
			continue
		}
		if d.Name == "skip" && b || d.Name == "include" && !b {
			return false
		}
	}
	return true
}

func writeKey(b *strings.Builder, s *SelectionSet) {
	b.WriteByte('{')
	for i, c := range s.Cases {
		if i > 0 {
			b.WriteByte(' ')
		}
		if s.Abstract() {
			b.WriteString("...on ")
			b.WriteString(c.Type)
			b.WriteByte('{')
		}
		for j, f := range c.Fields {
			if j > 0 {
				b.WriteByte(' ')
			}
			if f.Output != "" {
				b.WriteString(f.Output)
				b.WriteByte('=')
			}
			if f.Alias != f.Name {
				b.WriteString(f.Alias)
				b.WriteByte(':')
			}
			b.WriteString(f.Name)
			writeArgs(b, f.Arguments)
			if f.Selection != nil {
				writeKey(b, f.Selection)
			}
		}
		if s.Abstract() {
			b.WriteByte('}')
		}
	}
	b.WriteByte('}')
}

func writeArgs(b *strings.Builder, args ast.ArgumentList) {
	if len(args) == 0 {
		return
	}
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Name)
		b.WriteString(": ")
		b.WriteString(a.Value.String())
	}
	b.WriteByte(')')
}
