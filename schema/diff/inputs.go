package diff

import "github.com/vektah/gqlparser/v2/ast"

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

func (s inputSite) level(l Level) Level {
	if s.informational {
		return Safe
	}
	return l
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
			c.add(s.level(Breaking), s.prefix+"_REMOVED", coord, "%s %q was removed: operations that pass it now fail.", title(s.noun), coord)
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
			c.add(s.level(Breaking), s.prefix+"_ADDED_REQUIRED", coord, "Required %s %q (%s) was added: operations that do not pass it now fail.", s.noun, coord, typeString(n.typ))
			continue
		}
		c.add(s.level(Dangerous), s.prefix+"_ADDED", coord, "Optional %s %q (%s) was added: existing operations still validate; check that leaving it out keeps the old behaviour.", s.noun, coord, typeString(n.typ))
	}
}

func (c *collector) inputType(s inputSite, coord string, o, n *inputValue) {
	from, to := typeString(o.typ), typeString(n.typ)
	if from == to {
		return
	}
	code := s.prefix + "_TYPE_CHANGED"
	if problem := inputProblem(o.typ, n.typ, n.def != nil); problem != "" {
		c.add(s.level(Breaking), code, coord, "%s %q changed type from %q to %q: %s.", title(s.noun), coord, from, to, problem)
		return
	}
	c.add(Safe, code, coord, "%s %q changed type from %q to %q: every value clients pass still fits.", title(s.noun), coord, from, to)
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
		c.add(Safe, code, coord, "%s %q has a default now (%s); operations had to pass it, so none is affected.", title(s.noun), coord, to)
	case required(n.typ, n.def):
		c.add(s.level(Breaking), code, coord, "The default of %s %q (%s) was removed and it is non-null: operations that omit it now fail.", s.noun, coord, from)
	case from == "":
		c.add(s.level(Dangerous), code, coord, "%s %q has a default now (%s): operations that omit it get that value instead of none.", title(s.noun), coord, to)
	case to == "":
		c.add(s.level(Dangerous), code, coord, "The default of %s %q (%s) was removed: operations that omit it now pass no value.", s.noun, coord, from)
	default:
		c.add(s.level(Dangerous), code, coord, "The default of %s %q changed from %s to %s: operations that omit it get the new value.", s.noun, coord, from, to)
	}
}

// title capitalises the first letter of an ASCII noun.
func title(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
