package satisfy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// reasons explains, per subgraph a path could be in, why it cannot take e from s. The
// wording follows Apollo's composition so that people who know one recognise the other.
func (c *checker) reasons(s *state, e edge) string {
	r := reasonList{}
	for _, id := range s.opts {
		o := c.opts[id]
		if e.cast != "" {
			if c.interfaceObjectAt(o) {
				r.add(c.graphs[o.graph], fmt.Sprintf("no subgraph can be reached to resolve the implementation type of @interfaceObject type %q.", c.staticType(o)))
			}
			continue
		}
		c.fieldReasons(&r, o, e.field.Name)
	}
	return r.String()
}

// fieldReasons adds why option o cannot resolve field name: in its own subgraph, in the
// subgraphs its keys reach, and why it cannot reach the others that have the field.
func (c *checker) fieldReasons(r *reasonList, o option, name string) {
	x := c.graphs[o.graph]
	reached := c.closure(o.typ, o.graph, o.prov)
	if l, ok := c.direct(o.typ, o.graph, o.prov, name); ok {
		r.add(x, c.blocked(o, o.graph, l, name))
	} else {
		r.add(x, c.absent(o.typ, o.graph, name))
	}
	for _, y := range reached[1:] {
		if l, ok := c.direct(o.typ, y, 0, name); ok {
			r.add(c.graphs[y], c.blocked(o, y, l, name))
		}
	}
	for h := range c.graphs {
		if slices.Contains(reached, h) {
			continue
		}
		if _, ok := c.direct(o.typ, h, 0, name); ok {
			for _, why := range c.noJump(o.typ, o.graph, h, name) {
				r.add(x, why)
			}
		}
	}
}

// absent says why graph g does not resolve typeName.name at all.
func (c *checker) absent(typeName string, g int, name string) string {
	coord := typeName + "." + name
	in := c.fieldIn(typeName, g, name)
	if in == nil || in.UsedOverridden {
		if by := c.overriddenBy(typeName, g, name); by != "" {
			return fmt.Sprintf("field %q is not resolvable because it is overridden by subgraph %q.", coord, by)
		}
	}
	if in != nil && in.External {
		return fmt.Sprintf("field %q is not resolvable because marked @external.", coord)
	}
	return fmt.Sprintf("cannot find field %q.", coord)
}

// blocked says why graph y, which resolves typeName.name, cannot serve the path of o.
func (c *checker) blocked(o option, y int, l local, name string) string {
	coord := o.typ + "." + name
	if l.in != nil && l.in.OverrideLabel != "" {
		if _, _, ok := c.decide(o, l.in.OverrideLabel, l.in.Override != ""); !ok {
			state := "inactive"
			if l.in.Override != "" {
				state = "active"
			}
			return fmt.Sprintf("field %q is resolved in subgraph %q only while override label %q is %s, and this query path already depends on the opposite.", coord, c.graphs[y], l.in.OverrideLabel, state)
		}
	}
	if req := l.requires(); len(req) > 0 {
		if m := c.missing(o.typ, o.graph, o.prov, req); m != "" {
			return fmt.Sprintf("cannot satisfy @require conditions on field %q (required field %q cannot be reached from subgraph %q).", coord, m, c.graphs[o.graph])
		}
		return fmt.Sprintf("cannot satisfy @require conditions on field %q (the conditions need themselves).", coord)
	}
	return fmt.Sprintf("cannot use field %q from subgraph %q on this path.", coord, c.graphs[y])
}

// noJump says why a path in graph x at typeName cannot move to graph h.
func (c *checker) noJump(typeName string, x, h int, name string) []string {
	coord := typeName + "." + name
	target := c.graphs[h]
	ti := c.sg.Types[typeName].In[target]
	if ti == nil || len(ti.Keys) == 0 {
		return []string{fmt.Sprintf("cannot move to subgraph %q, which has field %q, because type %q has no @key defined in subgraph %q.", target, coord, typeName, target)}
	}
	var out []string
	for _, k := range ti.Keys {
		if k.Resolvable {
			out = append(out, fmt.Sprintf("cannot move to subgraph %q using @key(fields: %q) of %q, the key field(s) cannot be resolved from subgraph %q%s.", target, k.Fields, typeName, c.graphs[x], c.overriddenNote(typeName, x, k.Selection)))
		}
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("cannot move to subgraph %q, which has field %q, because none of the @key defined on type %q in subgraph %q are resolvable (they are all declared with their \"resolvable\" argument set to false).", target, coord, typeName, target))
	}
	return out
}

// overriddenNote points at key fields that graph x lost to an @override, the usual reason
// a key that looks shared cannot be used.
func (c *checker) overriddenNote(typeName string, x int, sel ast.SelectionSet) string {
	for _, s := range sel {
		if f, ok := s.(*ast.Field); ok {
			if in := c.fieldIn(typeName, x, f.Name); in != nil && in.UsedOverridden {
				return fmt.Sprintf(" (note that some of those key fields are overridden in %q)", c.graphs[x])
			}
		}
	}
	return ""
}

func (c *checker) fieldIn(typeName string, g int, name string) *supergraph.FieldIn {
	t := c.sg.Types[typeName]
	if t == nil || t.Fields[name] == nil {
		return nil
	}
	return t.Fields[name].In[c.graphs[g]]
}

// overriddenBy names the subgraph that took typeName.name from graph g with @override.
func (c *checker) overriddenBy(typeName string, g int, name string) string {
	t := c.sg.Types[typeName]
	if t == nil || t.Fields[name] == nil {
		return ""
	}
	for _, y := range c.graphs {
		if in := t.Fields[name].In[y]; in != nil && in.Override == c.graphs[g] {
			return y
		}
	}
	return ""
}

// reasonList groups reasons by subgraph, deduplicated, printed by subgraph name.
type reasonList map[string][]string

func (r reasonList) add(graph, why string) {
	if !slices.Contains(r[graph], why) {
		r[graph] = append(r[graph], why)
	}
}

func (r reasonList) String() string {
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	sort.Strings(names)
	var lines []string
	for _, n := range names {
		if len(r[n]) == 1 {
			lines = append(lines, fmt.Sprintf("- from subgraph %q: %s", n, r[n][0]))
			continue
		}
		lines = append(lines, fmt.Sprintf("- from subgraph %q:", n))
		for _, why := range r[n] {
			lines = append(lines, "  - "+why)
		}
	}
	return strings.Join(lines, "\n")
}
