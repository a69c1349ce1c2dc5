package compose

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// validate checks one subgraph's federation directives and, for a Federation 1 subgraph,
// applies the upgrade to Federation 2 semantics. Errors go to c.
func (sub *subgraph) validate(c *collector) {
	sub.checkKeys(c)
	if !sub.fed2 {
		sub.upgradeExternals()
	}
	sub.checkRequiresProvides(c)
	sub.markUsedExternals(c)
	sub.checkShareable(c)
	sub.checkInterfaceObjects(c)
	sub.checkInterfaceKeys(c)
	sub.checkOverrides(c)
	sub.checkCostAndAuth(c)
}

func (sub *subgraph) eachType(fn func(t *stype)) {
	for _, name := range sub.order {
		fn(sub.types[name])
	}
}

// checkKeys parses and checks every @key; key fields are shareable.
func (sub *subgraph) checkKeys(c *collector) {
	sub.eachType(func(t *stype) {
		for _, k := range t.keys {
			sel, problems := sub.checkFieldSet(keySet, t.name, k.fields)
			for _, p := range problems {
				c.report(p.code, sub, t.name, k.pos, "On type %q, for @key(fields: %q): %s.", t.name, k.fields, p.msg)
			}
			if len(problems) > 0 {
				continue
			}
			k.sel = sel
			sub.walkSelection(t.name, sel, func(typeName string, f *ast.Field) {
				if sf := sub.types[typeName].field(f.Name); sf != nil {
					sf.keyField = true
					sf.shareable = true
				}
			})
		}
	})
}

// upgradeExternals applies Federation 1 rules: @external on interface fields and on the
// key fields of type extensions means nothing in Federation 2.
func (sub *subgraph) upgradeExternals() {
	sub.eachType(func(t *stype) {
		for _, f := range t.fields {
			if t.kind == ast.Interface || f.keyField {
				f.external = false
			}
		}
	})
}

// checkRequiresProvides checks @requires and @provides field sets.
func (sub *subgraph) checkRequiresProvides(c *collector) {
	sub.eachType(func(t *stype) {
		for _, f := range t.fields {
			if f.requires != nil {
				f.requires = sub.checkSet(c, requiresSet, f, t.name, f.requires)
			}
			if f.provides == nil {
				continue
			}
			target := sub.schema.Types[f.def.Type.Name()]
			if target == nil || !target.IsCompositeType() {
				c.report("PROVIDES_ON_NON_OBJECT_FIELD", sub, f.coordinate(), f.provides.pos,
					"Invalid @provides directive on field %q: field has type %q which is not a Composite Type. Remove @provides or put it on a field returning an object, interface or union.", f.coordinate(), f.def.Type.String())
				f.provides = nil
				continue
			}
			f.provides = sub.checkSet(c, providesSet, f, target.Name, f.provides)
		}
	})
}

// checkSet checks one @requires/@provides; it returns the set, or nil when a Federation 1
// subgraph's directive has no effect and is dropped.
func (sub *subgraph) checkSet(c *collector, kind fieldSetKind, f *sfield, on string, fs *fieldSet) *fieldSet {
	sel, problems := sub.checkFieldSet(kind, on, fs.raw)
	fs.sel = sel
	for _, p := range problems {
		if !sub.fed2 && strings.HasSuffix(p.code, "_MISSING_EXTERNAL") {
			c.hint("FED1_DIRECTIVE_DROPPED", sub, f.coordinate(), fs.pos, "%s(fields: %q) selects fields this subgraph resolves itself; it has no effect and is dropped.", kind.directive(), fs.raw)
			return nil
		}
	}
	for _, p := range problems {
		c.report(p.code, sub, f.coordinate(), fs.pos, "On field %q, for %s(fields: %q): %s.", f.coordinate(), kind.directive(), fs.raw, p.msg)
	}
	if len(problems) > 0 {
		return nil
	}
	return fs
}

// markUsedExternals finds the @external fields a key, @requires, @provides or an
// implemented interface uses; unused ones are an error in Federation 2 and are removed
// from Federation 1 subgraphs.
func (sub *subgraph) markUsedExternals(c *collector) {
	used := map[*sfield]bool{}
	mark := func(provided, required bool) func(string, *ast.Field) {
		return func(typeName string, f *ast.Field) {
			if sf := sub.types[typeName].field(f.Name); sf != nil {
				used[sf] = true
				sf.provided = sf.provided || provided && sf.external
				sf.required = sf.required || required
			}
		}
	}
	sub.eachType(func(t *stype) {
		for _, k := range t.keys {
			sub.walkSelection(t.name, k.sel, mark(false, false))
		}
		for _, f := range t.fields {
			if f.requires != nil {
				sub.walkSelection(t.name, f.requires.sel, mark(false, true))
			}
			if f.provides != nil {
				sub.walkSelection(f.def.Type.Name(), f.provides.sel, mark(true, false))
			}
		}
	})
	sub.eachType(func(t *stype) {
		kept := t.fields[:0]
		for _, f := range t.fields {
			if !f.external || used[f] || sub.implementsField(t, f.name) {
				kept = append(kept, f)
				continue
			}
			if sub.fed2 {
				c.report("EXTERNAL_UNUSED", sub, f.coordinate(), f.def.Position,
					"Field %q is marked @external but is not used by any federation directive (@key, @provides, @requires) or to satisfy an interface; remove the field or @external, or use it.", f.coordinate())
				kept = append(kept, f)
				continue
			}
			delete(t.byName, f.name)
		}
		t.fields = kept
	})
}

// implementsField reports whether field name of t is required by an interface t implements.
func (sub *subgraph) implementsField(t *stype, name string) bool {
	for _, i := range t.interfaces {
		if sub.types[i].field(name) != nil {
			return true
		}
	}
	return false
}

// checkShareable refuses @shareable outside object types and their fields.
func (sub *subgraph) checkShareable(c *collector) {
	name := sub.names.dir("shareable")
	sub.eachType(func(t *stype) {
		if t.kind == ast.Object {
			return
		}
		if d := t.def.Directives.ForName(name); d != nil {
			c.report("INVALID_SHAREABLE_USAGE", sub, t.name, d.Position,
				"Invalid use of @shareable on %s %q: only object types and their fields can be shareable; remove it.", kindWord(t.kind), t.name)
		}
		for _, f := range t.fields {
			if d := f.def.Directives.ForName(name); d != nil {
				c.report("INVALID_SHAREABLE_USAGE", sub, f.coordinate(), d.Position,
					"Invalid use of @shareable on field %q: only fields of object types can be shareable (interface fields are resolved by their implementations); remove it.", f.coordinate())
			}
		}
	})
}

func (sub *subgraph) checkInterfaceObjects(c *collector) {
	sub.eachType(func(t *stype) {
		if t.interfaceObject && len(t.keys) == 0 {
			c.report("INTERFACE_OBJECT_USAGE_ERROR", sub, t.name, t.def.Position,
				"The @interfaceObject directive can only be applied to entity types but type %q has no @key in this subgraph; add the interface's @key.", t.name)
		}
	})
}

// checkInterfaceKeys requires every key of an interface on each of its implementations.
func (sub *subgraph) checkInterfaceKeys(c *collector) {
	sub.eachType(func(i *stype) {
		if i.kind != ast.Interface || len(i.keys) == 0 {
			return
		}
		for _, k := range i.keys {
			var missing []string
			sub.eachType(func(t *stype) {
				if t.kind == ast.Object && contains(t.interfaces, i.name) && !hasKey(t, k) {
					missing = append(missing, t.name)
				}
			})
			if len(missing) > 0 {
				word := "type"
				if len(missing) > 1 {
					word = "types"
				}
				c.report("INTERFACE_KEY_NOT_ON_IMPLEMENTATION", sub, i.name, k.pos,
					"Key @key(fields: %q) on interface type %q is missing on implementation %s %s; add the same @key to each implementation.", k.fields, i.name, word, quoteList(missing))
			}
		}
	})
}

func hasKey(t *stype, k *key) bool {
	for _, tk := range t.keys {
		if normalizeFieldSet(tk.fields) == normalizeFieldSet(k.fields) {
			return true
		}
	}
	return false
}

var labelRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_\-:./]*$`)

// validLabel reports whether an @override label is a name or percent(x) with 0 <= x <= 100.
func validLabel(l string) bool {
	if strings.HasPrefix(l, "percent(") && strings.HasSuffix(l, ")") {
		x, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(l, "percent("), ")"), 64)
		return err == nil && x >= 0 && x <= 100
	}
	return labelRE.MatchString(l)
}

func (sub *subgraph) checkOverrides(c *collector) {
	sub.eachType(func(t *stype) {
		for _, f := range t.fields {
			if f.overPos == nil {
				continue
			}
			if f.override == sub.name {
				c.report("OVERRIDE_FROM_SELF_ERROR", sub, f.coordinate(), f.overPos,
					"Source and destination subgraphs %q are the same for overridden field %q; name the subgraph the field is taken from.", sub.name, f.coordinate())
			}
			if f.hasLabel && !validLabel(f.label) {
				c.report("OVERRIDE_LABEL_INVALID", sub, f.coordinate(), f.overPos,
					"Invalid @override label %q on field %q: a label matches ^[a-zA-Z][a-zA-Z0-9_\\-:./]*$ or is percent(x) with 0 <= x <= 100.", f.label, f.coordinate())
			}
			if f.external {
				c.report("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", sub, f.coordinate(), f.overPos,
					"@override cannot be used on field %q on subgraph %q since %q is marked with directive @external; remove one of them.", f.coordinate(), sub.name, f.coordinate())
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// normalizeFieldSet prints a field set compactly so that equal sets compare equal.
func normalizeFieldSet(raw string) string {
	sel, err := parseFieldSet(raw)
	if err != nil {
		return strings.Join(strings.Fields(raw), " ")
	}
	return printSelection(sel)
}

func printSelection(sel ast.SelectionSet) string {
	var parts []string
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			p := s.Name
			if s.Alias != "" && s.Alias != s.Name {
				p = s.Alias + ": " + s.Name
			}
			if len(s.Arguments) > 0 {
				var args []string
				for _, a := range s.Arguments {
					args = append(args, a.Name+": "+a.Value.String())
				}
				p += "(" + strings.Join(args, ", ") + ")"
			}
			if len(s.SelectionSet) > 0 {
				p += " { " + printSelection(s.SelectionSet) + " }"
			}
			parts = append(parts, p)
		case *ast.InlineFragment:
			p := "..."
			if s.TypeCondition != "" {
				p += " on " + s.TypeCondition
			}
			parts = append(parts, p+" { "+printSelection(s.SelectionSet)+" }")
		}
	}
	return strings.Join(parts, " ")
}
