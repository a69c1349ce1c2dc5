package compose

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// fieldSetKind says which directive a field set belongs to; it picks the error codes.
type fieldSetKind string

const (
	keySet      fieldSetKind = "KEY"
	requiresSet fieldSetKind = "REQUIRES"
	providesSet fieldSetKind = "PROVIDES"
)

// directive is the directive's name as users write it.
func (k fieldSetKind) directive() string {
	switch k {
	case keySet:
		return "@key"
	case requiresSet:
		return "@requires"
	}
	return "@provides"
}

// setProblem is one thing wrong with a field set.
type setProblem struct{ code, msg string }

// parseFieldSet parses raw as a selection set.
func parseFieldSet(raw string) (ast.SelectionSet, error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: "{" + raw + "}"})
	if err != nil {
		return nil, err
	}
	if len(doc.Operations) != 1 || len(doc.Fragments) > 0 {
		return nil, fmt.Errorf("a field set is a list of fields, without braces around it or fragment definitions")
	}
	return doc.Operations[0].SelectionSet, nil
}

// checkFieldSet parses raw, selected on typeName of sub, and returns the selection and
// every problem found.
func (sub *subgraph) checkFieldSet(kind fieldSetKind, typeName, raw string) (ast.SelectionSet, []setProblem) {
	sel, err := parseFieldSet(raw)
	if err != nil {
		return nil, []setProblem{{string(kind) + "_INVALID_FIELDS", fmt.Sprintf("the field set does not parse: %v", err)}}
	}
	var out []setProblem
	sub.checkSelection(kind, typeName, sel, false, &out)
	return sel, out
}

func (sub *subgraph) checkSelection(kind fieldSetKind, typeName string, sel ast.SelectionSet, underExternal bool, out *[]setProblem) {
	def := sub.schema.Types[typeName]
	add := func(code, format string, args ...any) {
		*out = append(*out, setProblem{string(kind) + code, fmt.Sprintf(format, args...)})
	}
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			sub.checkField(kind, def, s, underExternal, add, out)
		case *ast.InlineFragment:
			if kind == keySet {
				add("_INVALID_FIELDS", "keys cannot use fragments (... on %s)", s.TypeCondition)
				continue
			}
			cond := s.TypeCondition
			if cond == "" {
				cond = typeName
			}
			if sub.schema.Types[cond] == nil {
				add("_INVALID_FIELDS", "unknown type %q in a type condition", cond)
				continue
			}
			sub.checkSelection(kind, cond, s.SelectionSet, underExternal, out)
		default:
			add("_INVALID_FIELDS", "fragment spreads are not allowed in field sets")
		}
	}
}

func (sub *subgraph) checkField(kind fieldSetKind, def *ast.Definition, s *ast.Field, underExternal bool, add func(string, string, ...any), out *[]setProblem) {
	if s.Alias != "" && s.Alias != s.Name {
		add("_INVALID_FIELDS", "aliases are not allowed (%s: %s)", s.Alias, s.Name)
	}
	if len(s.Directives) > 0 {
		add("_DIRECTIVE_IN_FIELDS_ARG", "directives are not allowed in field sets (on %q)", s.Name)
	}
	if s.Name == "__typename" {
		return
	}
	fd := def.Fields.ForName(s.Name)
	if fd == nil {
		add("_INVALID_FIELDS", "cannot query field %q on type %q (the field does not exist in this subgraph)", s.Name, def.Name)
		return
	}
	if kind != requiresSet && len(fd.Arguments) > 0 {
		add("_FIELDS_HAS_ARGS", "field %q has arguments: fields with arguments cannot be used in %s", def.Name+"."+s.Name, kind.directive())
	}
	target := sub.schema.Types[fd.Type.Name()]
	if kind == keySet && target != nil && (target.Kind == ast.Interface || target.Kind == ast.Union) {
		add("_FIELDS_SELECT_INVALID_TYPE", "field %q returns %s %q: keys cannot select interface or union fields", def.Name+"."+s.Name, article(kindWord(target.Kind)), target.Name)
	}
	external := underExternal
	if t := sub.types[def.Name]; t != nil {
		if f := t.field(s.Name); f != nil && f.external {
			external = true
		}
	}
	composite := target != nil && target.IsCompositeType()
	switch {
	case composite && len(s.SelectionSet) == 0:
		add("_INVALID_FIELDS", "field %q is of composite type %s: select its subfields", def.Name+"."+s.Name, fd.Type.String())
	case !composite && len(s.SelectionSet) > 0:
		add("_INVALID_FIELDS", "field %q is a leaf (%s): it has no subfields to select", def.Name+"."+s.Name, fd.Type.String())
	case composite:
		sub.checkSelection(kind, target.Name, s.SelectionSet, external, out)
	default:
		if kind != keySet && !external && sub.fed2 {
			add("_FIELDS_MISSING_EXTERNAL", "field %q is not marked @external in this subgraph: mark it @external (another subgraph resolves it) or remove it from %s", def.Name+"."+s.Name, kind.directive())
		}
	}
}

// walkSelection calls fn for every field sel selects on typeName (nested ones included).
func (sub *subgraph) walkSelection(typeName string, sel ast.SelectionSet, fn func(typeName string, f *ast.Field)) {
	def := sub.schema.Types[typeName]
	if def == nil {
		return
	}
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			fn(typeName, s)
			if fd := def.Fields.ForName(s.Name); fd != nil && len(s.SelectionSet) > 0 {
				sub.walkSelection(fd.Type.Name(), s.SelectionSet, fn)
			}
		case *ast.InlineFragment:
			cond := s.TypeCondition
			if cond == "" {
				cond = typeName
			}
			sub.walkSelection(cond, s.SelectionSet, fn)
		}
	}
}

func kindWord(k ast.DefinitionKind) string {
	switch k {
	case ast.Object:
		return "object type"
	case ast.Interface:
		return "interface"
	case ast.Union:
		return "union"
	case ast.Enum:
		return "enum"
	case ast.InputObject:
		return "input object type"
	case ast.Scalar:
		return "scalar"
	}
	return string(k)
}

// article prefixes a noun with "a" or "an".
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}
