package executor

import (
	"reflect"
	"testing"

	"github.com/trellis-gql/trellis/executor/tree"
)

// TestMergeGrowsObjectsApart: objects decoded together share a block of members, and merged
// objects move to the execution's block. Growing one must never write over another's
// members, however often they grow in turn.
func TestMergeGrowsObjectsApart(t *testing.T) {
	v, err := decodeJSON([]byte(`[{"a":"1"},{"b":"2"},{"c":"3"}]`))
	if err != nil {
		t.Fatal(err)
	}
	objs := v.([]any)
	first, second, third := objs[0].(*tree.Object), objs[1].(*tree.Object), objs[2].(*tree.Object)
	e := &execution{arena: &arena{}}
	merge := func(dst *tree.Object, src string) {
		s, err := decodeJSON([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.merge(dst, s.(*tree.Object))
	}
	merge(first, `{"x":"1","y":"1"}`)
	merge(second, `{"x":"2"}`)
	merge(first, `{"z":"1","a":"one"}`)
	merge(third, `{"x":"3","y":"3","z":"3"}`)
	merge(second, `{"y":"2","b":{"nested":true}}`)
	want := []any{
		map[string]any{"a": "one", "x": "1", "y": "1", "z": "1"},
		map[string]any{"b": map[string]any{"nested": true}, "x": "2", "y": "2"},
		map[string]any{"c": "3", "x": "3", "y": "3", "z": "3"},
	}
	if got := tree.Plain(objs); !reflect.DeepEqual(got, want) {
		t.Fatalf("merged objects:\n%v\nwant\n%v", got, want)
	}
}

// TestMergeDeepAndLists merges objects inside objects and lists of equal length in place, and
// replaces a list of another length.
func TestMergeDeepAndLists(t *testing.T) {
	dst, _ := decodeJSON([]byte(`{"o":{"a":1},"l":[{"a":1},{"a":2}],"m":[1]}`))
	src, _ := decodeJSON([]byte(`{"o":{"b":2},"l":[{"b":1},{"b":2}],"m":[1,2]}`))
	e := &execution{arena: &arena{}}
	e.merge(dst.(*tree.Object), src.(*tree.Object))
	got, _ := tree.Plain(dst).(map[string]any)
	want, _ := stdDecode([]byte(`{"o":{"a":1,"b":2},"l":[{"a":1,"b":1},{"a":2,"b":2}],"m":[1,2]}`))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merged: %v\nwant %v", got, want)
	}
}
