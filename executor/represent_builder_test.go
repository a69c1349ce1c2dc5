package executor

import (
	"encoding/json"
	"fmt"
	"github.com/trellis-gql/trellis/executor/tree"
	"testing"

	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestRepBuilder checks that finding repeated entities by key gives what writing every
// representation and comparing the bytes gives: the same representations in the same order
// and the same index for every object, with two builders sharing one buffer.
func TestRepBuilder(t *testing.T) {
	id := &ast.Type{NamedType: "ID", NonNull: true}
	str := &ast.Type{NamedType: "String"}
	field := func(alias, name string, typ *ast.Type) *planner.Field {
		return &planner.Field{Alias: alias, Name: name, Definition: &ast.FieldDefinition{Name: name, Type: typ}}
	}
	req := func(typename, sendAs string, keys []string, fields ...*planner.Field) *planner.Requirement {
		return &planner.Requirement{Typename: typename, SendAs: sendAs, Keys: keys, Fields: fields}
	}
	product := req("Product", "Product", []string{"upc"},
		field("__typename", "__typename", str), field("upc", "upc", id), field("p", "price", str), field("weight", "weight", str))
	user := req("User", "User", []string{"id"}, field("id", "id", id))
	pair := req("Pair", "Pair", []string{"a", "b"}, field("a", "a", id), field("b", "b", id))
	triple := req("Triple", "Triple", []string{"a", "b", "c"}, field("a", "a", id), field("b", "b", id), field("c", "c", id))
	listKey := req("Tag", "Tag", []string{"ids"}, field("ids", "ids", &ast.Type{Elem: id}))
	// Two concrete types sent as their interface: the same bytes for both.
	asA := req("A", "Node", []string{"id"}, field("id", "id", id))
	asB := req("B", "Node", []string{"id"}, field("id", "id", id))

	type add struct {
		req *planner.Requirement
		obj map[string]any
	}
	prod := func(upc, price string) add {
		return add{product, map[string]any{"__typename": "Product", "upc": upc, "p": json.Number(price), "weight": json.Number("1"), "name": "x"}}
	}
	many := func(n int, each func(i int) add) []add {
		var out []add
		for range 3 {
			for i := range n {
				out = append(out, each(i))
			}
		}
		return out
	}
	tests := []struct {
		name string
		adds []add
	}{
		{"repeated products", []add{prod("1", "10"), prod("2", "20"), prod("1", "10"), prod("1", "10"), prod("2", "20")}},
		{"same key, other fields differ", []add{prod("1", "10"), prod("1", "11"), prod("1", "10"), prod("1", "11"), prod("2", "10")}},
		{"other field null or missing", []add{
			prod("1", "10"),
			{product, map[string]any{"upc": "1", "p": nil, "weight": json.Number("1")}},
			{product, map[string]any{"upc": "1", "weight": json.Number("1")}},
			{product, map[string]any{"upc": "1", "p": nil, "weight": json.Number("1")}},
			{product, map[string]any{"upc": "1", "p": map[string]any{}, "weight": json.Number("1")}},
		}},
		{"missing and null keys", []add{
			{user, map[string]any{"id": "1"}}, {user, map[string]any{}}, {user, map[string]any{"id": nil}}, {user, map[string]any{"id": "1"}},
		}},
		{"string and number keys with the same text", []add{
			{user, map[string]any{"id": "1"}}, {user, map[string]any{"id": json.Number("1")}}, {user, map[string]any{"id": "1"}}, {user, map[string]any{"id": true}},
		}},
		{"composite keys", []add{
			{pair, map[string]any{"a": "1", "b": "2"}}, {pair, map[string]any{"a": "1", "b": "3"}}, {pair, map[string]any{"a": "1", "b": "2"}},
			{triple, map[string]any{"a": "1", "b": "2", "c": "3"}}, {triple, map[string]any{"a": "1", "b": "2", "c": "3"}}, {triple, map[string]any{"a": "1", "b": "2"}},
		}},
		{"list keys", []add{
			{listKey, map[string]any{"ids": []any{"1", "2"}}}, {listKey, map[string]any{"ids": []any{"1", "2"}}}, {listKey, map[string]any{"ids": []any{"2"}}},
		}},
		{"two requirements, the same bytes", []add{
			{asA, map[string]any{"id": "1"}}, {asB, map[string]any{"id": "1"}}, {asB, map[string]any{"id": "1"}}, {asA, map[string]any{"id": "2"}},
		}},
		{"many entities", many(3*smallReps, func(i int) add { return prod(fmt.Sprint(i), "10") })},
		{"many entities, same key, other fields differ", many(3*smallReps, func(i int) add { return prod(fmt.Sprint(i/2), fmt.Sprint(i%2)) })},
		{"many entities, two requirements", many(3*smallReps, func(i int) add {
			if i%2 == 0 {
				return add{asA, map[string]any{"id": fmt.Sprint(i / 4)}}
			}
			return add{asB, map[string]any{"id": fmt.Sprint(i / 4)}}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// What every object's representation is, written and compared in full.
			objs := make([]*tree.Object, len(tt.adds))
			for i, a := range tt.adds {
				objs[i] = tree.FromPlain(a.obj).(*tree.Object)
			}
			var want []string
			var wantIdx []int
			for i, a := range tt.adds {
				idx := -1
				buf := appendString([]byte(`{"__typename":`), a.req.SendAs)
				buf, ok := appendRepFields(buf, a.req.Fields, objs[i], false)
				for _, k := range a.req.Keys {
					ok = ok && a.obj[k] != nil
				}
				if ok {
					rep := string(append(buf, '}'))
					for i, r := range want {
						if r == rep {
							idx = i
						}
					}
					if idx < 0 {
						idx = len(want)
						want = append(want, rep)
					}
				}
				wantIdx = append(wantIdx, idx)
			}

			var buf []byte
			bs := [2]repBuilder{{buf: &buf}, {buf: &buf}}
			for i, a := range tt.adds {
				for j := range bs {
					idx, ok := bs[j].add(a.req, objs[i])
					if !ok {
						idx = -1
					}
					if idx != wantIdx[i] {
						t.Errorf("builder %d, object %d (%v): index %d, want %d", j, i, a.obj, idx, wantIdx[i])
					}
				}
			}
			for j, b := range bs {
				got := make([]string, len(b.kept))
				for i, r := range b.kept {
					got[i] = string(r.rep)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("builder %d: representations\n%q\nwant\n%q", j, got, want)
				}
			}
		})
	}
}
