package executor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// projector writes the response data in the client's selection order, in one pass. Fields
// the planner added (keys, requirements, __typename) are not selected, so they never leak.
// A null in a non-null position cuts the buffer back to the nearest nullable parent.
type projector struct {
	buf []byte
	// max bounds buf; past it the projection stops and tooLarge is set.
	max      int
	tooLarge bool
	path     []pathElem
	errs     []gqlError // errors already in the response, to avoid reporting a null twice
	// denied fields were not fetched: the caller may not see them (an error says so).
	denied map[*planner.Field]bool
	add    []gqlError
	// explained holds every prefix of every error path, exact the error paths themselves;
	// explainedAll is set by a pathless error. Built on the first null.
	explained, exact map[string]bool
	explainedAll     bool
	// wild holds the same for errors whose path has "@" (every item of a list: a failed
	// entity fetch), keyed with every list index written "@".
	wildExplained, wildExact map[string]bool
}

// project writes the data object for the root selection; ok is false when a non-null root
// field is null and data itself must be null.
func (p *projector) project(sel *planner.SelectionSet, data *tree.Object) bool {
	return p.object(sel, data, sel.Type)
}

func (p *projector) object(sel *planner.SelectionSet, obj *tree.Object, typename string) bool {
	if p.max > 0 && len(p.buf) > p.max {
		p.tooLarge = true
		return false
	}
	var c *planner.Case
	if sel.Abstract() {
		if t, ok := obj.Get("__typename").(string); ok {
			typename = t
		}
		c = sel.Case(typename)
		if c == nil && sel.Uniform {
			c = sel.Cases[0]
		}
	} else {
		c = sel.Cases[0]
	}
	p.buf = append(p.buf, '{')
	if c != nil {
		for i, f := range c.Fields {
			if i > 0 {
				p.buf = append(p.buf, ',')
			}
			// A response key is a GraphQL name: it never needs escaping.
			p.buf = append(p.buf, '"')
			p.buf = append(p.buf, f.ResponseKey()...)
			p.buf = append(p.buf, '"', ':')
			if f.Name == "__typename" {
				p.buf = appendString(p.buf, typename)
				continue
			}
			if p.denied[f] {
				if f.Definition.Type.NonNull {
					return false // the authorization error explains the null
				}
				p.buf = append(p.buf, "null"...)
				continue
			}
			p.path = append(p.path, pathElem{key: f.ResponseKey()})
			ok := p.value(typename, f, f.Definition.Type, obj.Get(f.Alias))
			p.path = p.path[:len(p.path)-1]
			if !ok {
				return false
			}
		}
	}
	p.buf = append(p.buf, '}')
	return true
}

// value writes v as the value of f with type t; false means a null reached a non-null
// position and must propagate to the parent.
func (p *projector) value(parent string, f *planner.Field, t *ast.Type, v any) bool {
	start := len(p.buf)
	if p.valueInner(parent, f, t, v) {
		return true
	}
	p.buf = p.buf[:start]
	if t.NonNull {
		return false
	}
	p.buf = append(p.buf, "null"...)
	return true
}

func (p *projector) valueInner(parent string, f *planner.Field, t *ast.Type, v any) bool {
	if v == nil {
		if t.NonNull {
			p.nullError(parent, f)
			return false
		}
		p.buf = append(p.buf, "null"...)
		return true
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			p.typeError(f, "a list")
			return false
		}
		p.buf = append(p.buf, '[')
		for i, item := range list {
			if i > 0 {
				p.buf = append(p.buf, ',')
			}
			p.path = append(p.path, pathElem{index: i})
			ok := p.value(parent, f, t.Elem, item)
			p.path = p.path[:len(p.path)-1]
			if !ok {
				return false
			}
		}
		p.buf = append(p.buf, ']')
		return true
	}
	if f.Selection == nil {
		p.buf = appendValue(p.buf, v)
		return true
	}
	obj, ok := v.(*tree.Object)
	if !ok {
		p.typeError(f, "an object")
		return false
	}
	return p.object(f.Selection, obj, t.Name())
}

// nullError reports a null in a non-null position, unless an error already explains it: a
// pathless error, or one whose path is on this branch (a prefix of this path, or below it).
func (p *projector) nullError(parent string, f *planner.Field) {
	path := responsePath(p.path)
	if p.explained == nil {
		p.indexErrors()
	}
	if p.explainedAll || p.explained[pathKey(path, len(path))] {
		return
	}
	for i := 0; i < len(path); i++ {
		if p.exact[pathKey(path, i)] {
			return
		}
	}
	if len(p.wildExplained) > 0 {
		wild := wildPath(path)
		if p.wildExplained[pathKey(wild, len(wild))] {
			return
		}
		for i := 0; i < len(wild); i++ {
			if p.wildExact[pathKey(wild, i)] {
				return
			}
		}
	}
	p.add = append(p.add, gqlError{
		Message: fmt.Sprintf("Cannot return null for non-nullable field %s.%s.", parent, f.Name),
		Path:    path,
	})
}

// indexErrors indexes the errors already in the response once, so that checking a null
// costs the length of its path, not the number of errors.
func (p *projector) indexErrors() {
	p.explained, p.exact = map[string]bool{}, map[string]bool{}
	p.wildExplained, p.wildExact = map[string]bool{}, map[string]bool{}
	for _, e := range p.errs {
		if e.Path == nil {
			p.explainedAll = true
			return
		}
		explained, exact := p.explained, p.exact
		if slices.Contains(e.Path, any("@")) {
			explained, exact = p.wildExplained, p.wildExact
		}
		exact[pathKey(e.Path, len(e.Path))] = true
		for i := 0; i <= len(e.Path); i++ {
			explained[pathKey(e.Path, i)] = true
		}
	}
}

// wildPath writes every list index of path as "@".
func wildPath(path []any) []any {
	out := make([]any, len(path))
	for i, el := range path {
		if _, ok := el.(int); ok {
			el = "@"
		}
		out[i] = el
	}
	return out
}

// pathKey is the first n elements of path as a map key.
func pathKey(path []any, n int) string {
	var b strings.Builder
	for _, el := range path[:n] {
		fmt.Fprint(&b, el)
		b.WriteByte(0)
	}
	return b.String()
}

func (p *projector) typeError(f *planner.Field, want string) {
	p.add = append(p.add, gqlError{
		Message:    fmt.Sprintf("subgraph returned a value for %s that is not %s", f.Name, want),
		Path:       responsePath(p.path),
		Extensions: map[string]any{"code": CodeSubgraphResponse},
	})
}
