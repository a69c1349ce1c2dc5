package compose

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// applied is one element's directives in one subgraph.
type applied struct {
	sub  *subgraph
	dirs ast.DirectiveList
}

// mergeApplied merges the directives the supergraph carries over from the sources of one
// element: @inaccessible (returned as hidden), @tag, the auth directives, @cost, @listSize,
// @deprecated and @composeDirective-named ones, in that order.
func (m *merger) mergeApplied(srcs []applied) (out []string, hidden bool, auth authReq) {
	var tags []string
	cost, haveCost := 0, false
	var list *listSize
	deprecated := ""
	var composed []string
	for _, a := range srcs {
		n := a.sub.names
		for _, d := range a.dirs {
			switch d.Name {
			case n.dir("inaccessible"):
				hidden = true
			case n.dir("tag"):
				t := "@tag(name: " + quote(argString(d, "name")) + ")"
				if !contains(tags, t) {
					tags = append(tags, t)
				}
			case n.dir("authenticated"):
				auth = auth.and(authReq{authenticated: true})
			case n.dir("requiresScopes"):
				auth = auth.and(authReq{scopes: stringLists(d, "scopes"), haveScopes: true})
			case n.dir("policy"):
				auth = auth.and(authReq{policies: stringLists(d, "policies"), havePolicies: true})
			case n.dir("cost"):
				if w, err := strconv.Atoi(argString(d, "weight")); err == nil && (!haveCost || w > cost) {
					cost, haveCost = w, true
				}
			case n.dir("listSize"):
				list = list.merge(d)
			case "deprecated":
				if deprecated == "" {
					deprecated = "@deprecated"
					if r := d.Arguments.ForName("reason"); r != nil && r.Value != nil {
						deprecated = "@deprecated(reason: " + r.Value.String() + ")"
					}
				}
			default:
				if m.composed[d.Name] != nil {
					if s := printDirective(d); !contains(composed, s) {
						composed = append(composed, s)
					}
				}
			}
		}
	}
	if hidden {
		m.uses["inaccessible"] = true
	}
	if len(tags) > 0 {
		m.uses["tag"] = true
	}
	out = append(out, tags...)
	out = append(out, m.authDirectives(auth)...)
	if haveCost {
		m.uses["cost"] = true
		out = append(out, fmt.Sprintf("@cost(weight: %d)", cost))
	}
	if list != nil {
		m.uses["cost"], m.uses["listSize"] = true, true
		out = append(out, list.String())
	}
	if deprecated != "" {
		out = append(out, deprecated)
	}
	return append(out, composed...), hidden, auth
}

func (m *merger) typeDirectives(t *mtype) {
	var srcs []applied
	for _, s := range t.sources {
		srcs = append(srcs, applied{s.sub, s.def.Directives})
	}
	t.directives, t.hidden, t.auth = m.mergeApplied(srcs)
}

func (m *merger) fieldDirectives(f *mfield) {
	var srcs []applied
	for _, s := range f.sources {
		if s.external {
			continue // nothing merged may sit on an @external field
		}
		srcs = append(srcs, applied{s.parent.sub, s.def.Directives})
	}
	f.directives, f.hidden, f.auth = m.mergeApplied(srcs)
}

func (m *merger) argDirectives(a *marg, defs []*ast.ArgumentDefinition, srcs []*sfield) {
	var list []applied
	for i, d := range defs {
		list = append(list, applied{srcs[i].parent.sub, d.Directives})
	}
	a.directives, a.hidden, _ = m.mergeApplied(list)
}

func (m *merger) valueDirectives(t *mtype, v *mvalue) {
	var list []applied
	for i, d := range v.sources {
		list = append(list, applied{t.sources[indexOfSub(t, v.graphs[i])].sub, d.Directives})
	}
	v.directives, v.hidden, _ = m.mergeApplied(list)
}

func indexOfSub(t *mtype, name string) int {
	for i, s := range t.sources {
		if s.sub.name == name {
			return i
		}
	}
	return 0
}

// stringLists reads a [[String!]!]! argument.
func stringLists(d *ast.Directive, name string) [][]string {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return nil
	}
	var out [][]string
	for _, outer := range a.Value.Children {
		var and []string
		if outer.Value.Kind != ast.ListValue {
			and = append(and, outer.Value.Raw) // a single name coerces to a list
		}
		for _, inner := range outer.Value.Children {
			and = append(and, inner.Value.Raw)
		}
		out = append(out, and)
	}
	return out
}

// listSize is a merged @listSize.
type listSize struct {
	assumed             int
	haveAssumed         bool
	slicing, sized      []string
	requireOne, haveReq bool
}

func (l *listSize) merge(d *ast.Directive) *listSize {
	if l == nil {
		l = &listSize{requireOne: true}
	}
	if v, err := strconv.Atoi(argString(d, "assumedSize")); err == nil && (!l.haveAssumed || v > l.assumed) {
		l.assumed, l.haveAssumed = v, true
	}
	for _, arg := range []struct {
		name string
		to   *[]string
	}{{"slicingArguments", &l.slicing}, {"sizedFields", &l.sized}} {
		if a := d.Arguments.ForName(arg.name); a != nil && a.Value != nil {
			for _, c := range a.Value.Children {
				if !contains(*arg.to, c.Value.Raw) {
					*arg.to = append(*arg.to, c.Value.Raw)
				}
			}
		}
	}
	if a := d.Arguments.ForName("requireOneSlicingArgument"); a != nil && a.Value != nil && a.Value.Kind == ast.BooleanValue {
		l.requireOne, l.haveReq = l.requireOne && a.Value.Raw == "true", true
	}
	return l
}

func (l *listSize) String() string {
	var args []string
	if l.haveAssumed {
		args = append(args, fmt.Sprintf("assumedSize: %d", l.assumed))
	}
	quoteAll := func(xs []string) string {
		var q []string
		for _, x := range xs {
			q = append(q, quote(x))
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	if len(l.slicing) > 0 {
		args = append(args, "slicingArguments: "+quoteAll(l.slicing))
	}
	if len(l.sized) > 0 {
		args = append(args, "sizedFields: "+quoteAll(l.sized))
	}
	if l.haveReq {
		args = append(args, fmt.Sprintf("requireOneSlicingArgument: %t", l.requireOne))
	}
	if len(args) == 0 {
		return "@listSize"
	}
	return "@listSize(" + strings.Join(args, ", ") + ")"
}

// printDirective prints an applied directive as written.
func printDirective(d *ast.Directive) string {
	if len(d.Arguments) == 0 {
		return "@" + d.Name
	}
	var args []string
	for _, a := range d.Arguments {
		args = append(args, a.Name+": "+a.Value.String())
	}
	return "@" + d.Name + "(" + strings.Join(args, ", ") + ")"
}
