package executor

import (
	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/vektah/gqlparser/v2/ast"
)

// merge deep-merges a subgraph's object into the response tree. A concrete __typename already
// known is kept: a subgraph that knows an entity only as an @interfaceObject answers with
// the interface's name.
func (e *execution) merge(dst, src *tree.Object) {
	// The keys dst lacks are added together at the end, so that its members move at most
	// once.
	mark := len(e.adding)
	for _, f := range src.Fields {
		k, v := f.Key, f.Value
		at := dst.Pos(k)
		if at < 0 {
			e.adding = append(e.adding, f)
			continue
		}
		cur := &dst.Fields[at]
		if k == "__typename" {
			if name, ok := cur.Value.(string); ok && e.isObject(name) {
				continue
			}
			cur.Value = v
			continue
		}
		switch c := cur.Value.(type) {
		case *tree.Object:
			if vm, ok := v.(*tree.Object); ok {
				e.merge(c, vm)
				continue
			}
		case []any:
			if vl, ok := v.([]any); ok && len(vl) == len(c) {
				e.mergeList(c, vl)
				continue
			}
		}
		cur.Value = v
	}
	if added := e.adding[mark:]; len(added) > 0 {
		e.add(dst, added)
		clear(added)
		e.adding = e.adding[:mark]
	}
}

// add adds members for keys dst lacks. When they do not fit, dst's members move to a
// block of the execution's with room for them and a few more: one allocation for many
// objects.
func (e *execution) add(dst *tree.Object, fields []tree.Field) {
	if n := len(dst.Fields) + len(fields); n > cap(dst.Fields) {
		// Room for a few more: an entity is often merged into by several fetches. Positions
		// are unchanged, so an index stays right.
		n += 2 + n/4
		dst.Fields = carve(&e.arena.members, dst.Fields, n, min(max(64, 2*cap(e.arena.members.cur)), maxMemberBlock))
	}
	for _, f := range fields {
		dst.Add(f.Key, f.Value)
	}
}

func (e *execution) mergeList(dst, src []any) {
	for i := range dst {
		switch d := dst[i].(type) {
		case *tree.Object:
			if s, ok := src[i].(*tree.Object); ok {
				e.merge(d, s)
				continue
			}
		case []any:
			if s, ok := src[i].([]any); ok && len(s) == len(d) {
				e.mergeList(d, s)
				continue
			}
		}
		dst[i] = src[i]
	}
}

func (e *execution) isObject(name string) bool {
	def := e.st.sg.Schema.Types[name]
	return def != nil && def.Kind == ast.Object
}
