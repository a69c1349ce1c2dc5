package introspect

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// group is the fields sharing one response key; their selection sets merge.
type group struct {
	key    string
	fields []*ast.Field
}

// collector implements the spec's CollectFields for one introspection object: it walks
// selection sets, drops what @skip/@include exclude, enters fragments whose type condition
// matches and groups the remaining fields by response key in first-seen order.
type collector struct {
	e        *executor
	typeName string
	groups   []group
	index    map[string]int  // response key -> position in groups
	visited  map[string]bool // fragment spreads already entered
}

// collect groups the fields selected on an object of type typeName by the selection sets of
// parents, the fields of one response key one level up.
func (e *executor) collect(typeName string, parents []*ast.Field) ([]group, error) {
	c := collector{e: e, typeName: typeName, index: map[string]int{}, visited: map[string]bool{}}
	for _, p := range parents {
		if err := c.selectionSet(p.SelectionSet); err != nil {
			return nil, err
		}
	}
	return c.groups, nil
}

func (c *collector) selectionSet(set ast.SelectionSet) error {
	for _, sel := range set {
		if err := c.selection(sel); err != nil {
			return err
		}
	}
	return nil
}

func (c *collector) selection(sel ast.Selection) error {
	switch sel := sel.(type) {
	case *ast.Field:
		ok, err := c.e.included(sel.Directives)
		if !ok || err != nil {
			return err
		}
		c.add(sel)
	case *ast.InlineFragment:
		ok, err := c.e.included(sel.Directives)
		if !ok || err != nil || !c.matches(sel.TypeCondition) {
			return err
		}
		return c.selectionSet(sel.SelectionSet)
	case *ast.FragmentSpread:
		// As graphql-js does, a spread counts once per object even when a later copy of it
		// carries different directives.
		if c.visited[sel.Name] {
			return nil
		}
		ok, err := c.e.included(sel.Directives)
		if !ok || err != nil {
			return err
		}
		c.visited[sel.Name] = true
		if sel.Definition == nil {
			return fmt.Errorf("fragment %q is not defined (was the document validated?)", sel.Name)
		}
		if !c.matches(sel.Definition.TypeCondition) {
			return nil
		}
		return c.selectionSet(sel.Definition.SelectionSet)
	default:
		return fmt.Errorf("unknown selection %T", sel)
	}
	return nil
}

func (c *collector) add(f *ast.Field) {
	key := responseKey(f)
	if i, ok := c.index[key]; ok {
		c.groups[i].fields = append(c.groups[i].fields, f)
		return
	}
	c.index[key] = len(c.groups)
	c.groups = append(c.groups, group{key: key, fields: []*ast.Field{f}})
}

// matches reports whether a fragment with type condition cond applies to the object. The
// introspection types are object types that implement no interface and belong to no union,
// so only their own name (or no condition) matches.
func (c *collector) matches(cond string) bool {
	return cond == "" || cond == c.typeName
}

// included evaluates @skip and @include.
func (e *executor) included(dirs ast.DirectiveList) (bool, error) {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		v, err := e.argument(d.Arguments, nil, "if")
		if err != nil {
			return false, fmt.Errorf("@%s: %w", d.Name, err)
		}
		b, ok := v.(bool)
		if !ok {
			return false, fmt.Errorf("@%s(if:): want a Boolean, got %T", d.Name, v)
		}
		if b == (d.Name == "skip") {
			return false, nil
		}
	}
	return true, nil
}

// argument returns the value of the argument name among args: the literal, else the
// variable's value, else the variable's default, else the default in defs, else nil.
func (e *executor) argument(args ast.ArgumentList, defs ast.ArgumentDefinitionList, name string) (any, error) {
	if a := args.ForName(name); a != nil && a.Value != nil {
		if a.Value.Kind != ast.Variable {
			return a.Value.Value(e.vars)
		}
		if v, ok := e.vars[a.Value.Raw]; ok {
			return v, nil
		}
		if vd := a.Value.VariableDefinition; vd != nil && vd.DefaultValue != nil {
			return vd.DefaultValue.Value(e.vars)
		}
	}
	if d := defs.ForName(name); d != nil && d.DefaultValue != nil {
		return d.DefaultValue.Value(e.vars)
	}
	return nil, nil
}

// includeDeprecated reads the includeDeprecated argument of fields, args, inputFields and
// enumValues; absent or null means false.
func (e *executor) includeDeprecated(f *ast.Field) (bool, error) {
	v, err := e.argument(f.Arguments, fieldArgDefs(f), "includeDeprecated")
	if err != nil || v == nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("argument includeDeprecated: want a Boolean, got %T", v)
	}
	return b, nil
}
