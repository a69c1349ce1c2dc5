package diff

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// inputValue is what arguments (of fields and directives) and input fields have in common:
// clients pass them, so they follow the input rules.
type inputValue struct {
	name, description string
	typ               *ast.Type
	def               *ast.Value
	dirs              ast.DirectiveList
}

// inputSite says where a list of input values lives.
type inputSite struct {
	prefix        string // code prefix: ARG, DIRECTIVE_ARG or INPUT_FIELD
	noun          string // "argument" or "input field", for messages
	coord         func(name string) string
	informational bool // no operation can use them (type-system directive): every change is Safe
}

// inputChange reports a change at level with a message made of what changed and its effect on
// operations; at an informational site the level is Safe and the effect says why.
func (c *collector) inputChange(s inputSite, level Level, code, coord, what, effect string) {
	if s.informational && level != Safe {
		c.add(Safe, code, coord, "%s; its directive has no executable locations, so no operation is affected.", what)
		return
	}
	c.add(level, code, coord, "%s: %s.", what, effect)
}

// signature prints an input value's type and default as in SDL: Int! = 1.
func signature(v *inputValue) string {
	if v.def == nil {
		return typeString(v.typ)
	}
	return typeString(v.typ) + " = " + valueString(v.def)
}

func fromArgs(args ast.ArgumentDefinitionList) []inputValue {
	out := make([]inputValue, 0, len(args))
	for _, a := range args {
		if a != nil {
			out = append(out, inputValue{name: a.Name, description: a.Description, typ: a.Type, def: a.DefaultValue, dirs: a.Directives})
		}
	}
	return out
}

func fromInputFields(fields ast.FieldList) []inputValue {
	out := make([]inputValue, 0, len(fields))
	for _, f := range fields {
		if f != nil {
			out = append(out, inputValue{name: f.Name, description: f.Description, typ: f.Type, def: f.DefaultValue, dirs: f.Directives})
		}
	}
	return out
}

// inputValues compares two lists of arguments or input fields of one element.
func (c *collector) inputValues(s inputSite, old, new []inputValue) {
	byName := make(map[string]*inputValue, len(new))
	for i := range new {
		byName[new[i].name] = &new[i]
	}
	seen := make(map[string]bool, len(old))
	for i := range old {
		o := &old[i]
		seen[o.name] = true
		coord := s.coord(o.name)
		n := byName[o.name]
		if n == nil {
			c.inputChange(s, Breaking, s.prefix+"_REMOVED", coord, fmt.Sprintf("%s %q was removed", title(s.noun), coord), "operations that pass it now fail")
			continue
		}
		c.inputType(s, coord, o, n)
		c.inputDefault(s, coord, o, n)
		c.description(coord, o.description, n.description)
		c.deprecation(coord, o.dirs, n.dirs)
	}
	for i := range new {
		n := &new[i]
		if seen[n.name] {
			continue
		}
		coord := s.coord(n.name)
		if required(n.typ, n.def) {
			c.inputChange(s, Breaking, s.prefix+"_ADDED_REQUIRED", coord, fmt.Sprintf("Required %s %q (%s) was added", s.noun, coord, signature(n)), "operations that do not pass it now fail")
			continue
		}
		c.inputChange(s, Dangerous, s.prefix+"_ADDED", coord, fmt.Sprintf("Optional %s %q (%s) was added", s.noun, coord, signature(n)),
			"existing operations still validate; check that leaving it out keeps the old behaviour")
	}
}

func (c *collector) inputType(s inputSite, coord string, o, n *inputValue) {
	from, to := typeString(o.typ), typeString(n.typ)
	if from == to {
		return
	}
	what := fmt.Sprintf("%s %q changed type from %q to %q", title(s.noun), coord, from, to)
	if problem := inputProblem(o.typ, n.typ, n.def != nil); problem != "" {
		c.inputChange(s, Breaking, s.prefix+"_TYPE_CHANGED", coord, what, problem)
		return
	}
	c.inputChange(s, Safe, s.prefix+"_TYPE_CHANGED", coord, what, "every value clients pass still fits")
}

// inputDefault reports a default added, removed or changed. Operations that leave the value
// out see the difference (Dangerous), unless they could not leave it out before (it was
// required: Safe) or cannot any more (it became required: Breaking).
func (c *collector) inputDefault(s inputSite, coord string, o, n *inputValue) {
	from, to := valueString(o.def), valueString(n.def)
	code := s.prefix + "_DEFAULT_CHANGED"
	switch {
	case from == to:
	case required(o.typ, o.def):
		c.inputChange(s, Safe, code, coord, fmt.Sprintf("%s %q has a default now (%s)", title(s.noun), coord, to),
			"operations had to pass it, so none is affected")
	case required(n.typ, n.def):
		c.inputChange(s, Breaking, code, coord, fmt.Sprintf("The default of %s %q (%s) was removed and it is non-null", s.noun, coord, from),
			"operations that omit it now fail")
	case from == "":
		c.inputChange(s, Dangerous, code, coord, fmt.Sprintf("%s %q has a default now (%s)", title(s.noun), coord, to),
			"operations that omit it get that value instead of none")
	case to == "":
		c.inputChange(s, Dangerous, code, coord, fmt.Sprintf("The default of %s %q (%s) was removed", s.noun, coord, from),
			"operations that omit it now pass no value")
	default:
		c.inputChange(s, Dangerous, code, coord, fmt.Sprintf("The default of %s %q changed from %s to %s", s.noun, coord, from, to),
			"operations that omit it get the new value")
	}
}

// title capitalises the first letter of an ASCII noun.
func title(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
