package diff

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// types compares every named type the two schemas define, built-in scalars and
// introspection types aside.
func (c *collector) types(old, new *ast.Schema) {
	for name, o := range old.Types {
		if ignoredType(name, o) {
			continue
		}
		n := new.Types[name]
		if n == nil {
			c.add(Breaking, "TYPE_REMOVED", name, "Type %q was removed: operations that use it now fail.", name)
			continue
		}
		c.typeDef(name, o, n)
	}
	for name, n := range new.Types {
		if ignoredType(name, n) || old.Types[name] != nil {
			continue
		}
		c.add(Safe, "TYPE_ADDED", name, "Type %q was added.", name)
	}
}

func ignoredType(name string, def *ast.Definition) bool {
	return def == nil || def.BuiltIn || strings.HasPrefix(name, "__")
}

// typeDef compares two definitions of the same name.
func (c *collector) typeDef(name string, o, n *ast.Definition) {
	if o.Kind != n.Kind {
		c.add(Breaking, "TYPE_KIND_CHANGED", name, "Type %q changed kind from %s to %s: operations that use it may now fail.", name, o.Kind, n.Kind)
		return
	}
	c.description(name, o.Description, n.Description)
	switch o.Kind {
	case ast.Object, ast.Interface:
		c.interfaces(name, o.Interfaces, n.Interfaces)
		c.outputFields(name, o.Fields, n.Fields)
	case ast.Union:
		c.members(name, o.Types, n.Types)
	case ast.Enum:
		c.enumValues(name, o.EnumValues, n.EnumValues)
	case ast.InputObject:
		c.oneOf(name, o.Directives, n.Directives)
		c.inputValues(inputSite{prefix: "INPUT_FIELD", noun: "input field", coord: func(f string) string { return name + "." + f }},
			fromInputFields(o.Fields), fromInputFields(n.Fields))
	case ast.Scalar:
		c.specifiedBy(name, o.Directives, n.Directives)
	}
}

// outputFields compares the fields of an object or interface type.
func (c *collector) outputFields(typeName string, old, new ast.FieldList) {
	byName := make(map[string]*ast.FieldDefinition, len(new))
	for _, f := range new {
		if f != nil {
			byName[f.Name] = f
		}
	}
	seen := make(map[string]bool, len(old))
	for _, o := range old {
		if o == nil || strings.HasPrefix(o.Name, "__") {
			continue
		}
		seen[o.Name] = true
		coord := typeName + "." + o.Name
		n := byName[o.Name]
		if n == nil {
			c.add(Breaking, "FIELD_REMOVED", coord, "Field %q was removed: operations selecting it now fail.", coord)
			continue
		}
		c.outputField(coord, o, n)
	}
	for _, n := range new {
		if n == nil || strings.HasPrefix(n.Name, "__") || seen[n.Name] {
			continue
		}
		coord := typeName + "." + n.Name
		c.add(Safe, "FIELD_ADDED", coord, "Field %q was added.", coord)
	}
}

func (c *collector) outputField(coord string, o, n *ast.FieldDefinition) {
	if from, to := typeString(o.Type), typeString(n.Type); from != to {
		if problem := outputProblem(o.Type, n.Type); problem != "" {
			c.add(Breaking, "FIELD_TYPE_CHANGED", coord, "Field %q changed type from %q to %q: %s.", coord, from, to, problem)
		} else {
			c.add(Safe, "FIELD_TYPE_CHANGED", coord, "Field %q changed type from %q to %q: it can no longer be null, which clients already handle.", coord, from, to)
		}
	}
	c.inputValues(inputSite{prefix: "ARG", noun: "argument", coord: func(a string) string { return coord + "(" + a + ":)" }},
		fromArgs(o.Arguments), fromArgs(n.Arguments))
	c.description(coord, o.Description, n.Description)
	c.deprecation(coord, o.Directives, n.Directives)
}

// interfaces compares the interfaces an object or interface implements.
func (c *collector) interfaces(typeName string, old, new []string) {
	for _, i := range missing(old, new) {
		c.add(Breaking, "INTERFACE_REMOVED", typeName, "Type %q no longer implements interface %q: operations that spread a fragment on one inside a selection of the other now fail.", typeName, i)
	}
	for _, i := range missing(new, old) {
		c.add(Dangerous, "INTERFACE_ADDED", typeName, "Type %q now implements interface %q: clients that switch on the types behind %q may meet one they do not handle.", typeName, i, i)
	}
}

// members compares the member types of a union.
func (c *collector) members(union string, old, new []string) {
	for _, m := range missing(old, new) {
		c.add(Breaking, "UNION_MEMBER_REMOVED", union, "Type %q was removed from union %q: operations that spread a fragment on it inside a selection of %q now fail.", m, union, union)
	}
	for _, m := range missing(new, old) {
		c.add(Dangerous, "UNION_MEMBER_ADDED", union, "Type %q was added to union %q: clients that switch on its members may meet one they do not handle.", m, union)
	}
}

// enumValues compares the values of an enum.
func (c *collector) enumValues(enum string, old, new ast.EnumValueList) {
	byName := make(map[string]*ast.EnumValueDefinition, len(new))
	for _, v := range new {
		if v != nil {
			byName[v.Name] = v
		}
	}
	seen := make(map[string]bool, len(old))
	for _, o := range old {
		if o == nil {
			continue
		}
		seen[o.Name] = true
		coord := enum + "." + o.Name
		n := byName[o.Name]
		if n == nil {
			c.add(Breaking, "ENUM_VALUE_REMOVED", coord, "Enum value %q was removed: operations that pass it now fail.", coord)
			continue
		}
		c.description(coord, o.Description, n.Description)
		c.deprecation(coord, o.Directives, n.Directives)
	}
	for _, n := range new {
		if n == nil || seen[n.Name] {
			continue
		}
		coord := enum + "." + n.Name
		c.add(Dangerous, "ENUM_VALUE_ADDED", coord, "Enum value %q was added: clients that switch on %q may meet a value they do not handle.", coord, enum)
	}
}

// oneOf compares @oneOf on an input type: adding it refuses inputs that set several fields
// (or none), removing it only accepts more.
func (c *collector) oneOf(name string, old, new ast.DirectiveList) {
	was, is := directiveNamed(old, "oneOf") != nil, directiveNamed(new, "oneOf") != nil
	switch {
	case !was && is:
		c.add(Breaking, "ONE_OF_ADDED", name, "Input type %q is @oneOf now: operations that set more or fewer than one of its fields now fail.", name)
	case was && !is:
		c.add(Safe, "ONE_OF_REMOVED", name, "Input type %q is no longer @oneOf: every value clients pass still fits.", name)
	}
}

// specifiedBy compares a scalar's @specifiedBy URL: documentation only.
func (c *collector) specifiedBy(name string, old, new ast.DirectiveList) {
	from, to := specifiedURL(old), specifiedURL(new)
	if from != to {
		c.add(Safe, "SPECIFIED_BY_CHANGED", name, "The @specifiedBy URL of scalar %q changed from %q to %q.", name, from, to)
	}
}

func specifiedURL(dirs ast.DirectiveList) string {
	d := directiveNamed(dirs, "specifiedBy")
	if d == nil {
		return ""
	}
	if v := argValue(d, "url"); v != nil {
		return v.Raw
	}
	return ""
}

// missing returns the names in a that are not in b, in a's order.
func missing(a, b []string) []string {
	var out []string
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}
