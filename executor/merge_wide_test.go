package executor

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/trellis-gql/trellis/executor/tree"
)

// TestMergeManyNewMembers: merging an object that brings many keys into one that
// lacks them must not panic: the root fetch of a query with 52 or more root fields does this
// to the empty data object, and a subgraph answering an entity with extra members does it to
// a decoded entity. "after a small merge": the execution's block of members already exists
// (64 members) and the object needs more room than its successor (128) holds.
func TestMergeManyNewMembers(t *testing.T) {
	for _, c := range []struct {
		name     string
		dst      string
		n        int
		warmedUp bool
	}{
		{"empty, 40", `{}`, 40, false},
		{"empty, 52", `{}`, 52, false},
		{"empty, 100", `{}`, 100, false},
		{"entity, 60", `{"__typename":"Product","upc":"1"}`, 60, false},
		{"entity, 150, after a small merge", `{"__typename":"Product","upc":"1"}`, 150, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := &execution{arena: &arena{}}
			if c.warmedUp {
				small, _ := decodeJSON([]byte(`{"a":1}`))
				e.merge(small.(*tree.Object), tree.New(tree.Field{Key: "b", Value: 2}))
			}
			v, err := decodeJSON([]byte(c.dst))
			if err != nil {
				t.Fatal(err)
			}
			dst := v.(*tree.Object)
			want := tree.Plain(dst).(map[string]any)
			src := &tree.Object{}
			for i := range c.n {
				k := fmt.Sprint("k", i)
				src.Add(k, i)
				want[k] = i
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("merge of %d new members panicked: %v", c.n, r)
					}
				}()
				e.merge(dst, src)
			}()
			if got := tree.Plain(dst); !reflect.DeepEqual(got, want) {
				t.Fatalf("merged %v, want %v", got, want)
			}
		})
	}
}

// mapMerge is the merge of the previous implementation, on maps (no __typename rule).
func mapMerge(dst, src map[string]any) {
	for k, v := range src {
		cur, exists := dst[k]
		if !exists {
			dst[k] = v
			continue
		}
		switch c := cur.(type) {
		case map[string]any:
			if vm, ok := v.(map[string]any); ok {
				mapMerge(c, vm)
				continue
			}
		case []any:
			if vl, ok := v.([]any); ok && len(vl) == len(c) {
				for i := range c {
					if d, ok := c[i].(map[string]any); ok {
						if s, ok := vl[i].(map[string]any); ok {
							mapMerge(d, s)
							continue
						}
					}
					c[i] = vl[i]
				}
				continue
			}
		}
		dst[k] = v
	}
}

// TestMergeDuplicateKeys: a subgraph answer with a key twice must merge as if it had
// been decoded the way encoding/json does (the last member counts, the others are gone),
// which is what the gateway did before the tree.
func TestMergeDuplicateKeys(t *testing.T) {
	for _, c := range []struct{ name, dst, src string }{
		{"scalar then object", `{"o":{"a":1}}`, `{"o":null,"o":{"b":2}}`},
		{"scalar then list", `{"l":[{"a":1},{"a":2}]}`, `{"l":"x","l":[{"b":1},{"b":2}]}`},
		{"object then object", `{"o":{"a":1}}`, `{"o":{"c":3},"o":{"b":2}}`},
		{"object then object, new key", `{}`, `{"o":{"c":3},"o":{"b":2}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dst, _ := decodeJSON([]byte(c.dst))
			src, _ := decodeJSON([]byte(c.src))
			e := &execution{arena: &arena{}}
			e.merge(dst.(*tree.Object), src.(*tree.Object))
			want, _ := stdDecode([]byte(c.dst))
			s, _ := stdDecode([]byte(c.src))
			mapMerge(want.(map[string]any), s.(map[string]any))
			if got := tree.Plain(dst); !reflect.DeepEqual(got, want) {
				t.Fatalf("merged %s into %s: %v, want %v", c.src, c.dst, got, want)
			}
		})
	}
}
