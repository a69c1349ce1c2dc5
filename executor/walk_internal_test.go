package executor

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/trellis-gql/trellis/executor/tree"
)

// TestWalkerVisitsEveryPathInOrder walks paths that share prefixes, end at the same node
// (a batch may hold the same path twice) or inside another, with type conditions, and
// checks each object found, in order, with its response path.
func TestWalkerVisitsEveryPathInOrder(t *testing.T) {
	data, err := decodeJSON([]byte(`{"a":[{"__typename":"X","id":"x0","b":{"id":"b0"}},{"__typename":"Y","id":"y1","b":{"id":"b1"}}],"c":{"id":"c"}}`))
	if err != nil {
		t.Fatal(err)
	}
	paths := [][]string{
		{"a", "@"},
		{"a", "@", "|[Y]"},
		{"c"},
		{"a", "@", "b"},
		{"a", "@"},
		{"missing", "@"},
	}
	var got []string
	var indices []int32
	w := walker{indices: &indices}
	w.fn = func(i int, obj *tree.Object, at int) {
		got = append(got, fmt.Sprintf("%d %v %v", i, obj.Get("id"), indexedPath(paths[i], indices, at)))
	}
	w.walk(data, newPathTrie(paths))
	want := []string{
		"0 x0 [a 0]", "4 x0 [a 0]", "3 b0 [a 0 b]",
		"0 y1 [a 1]", "4 y1 [a 1]", "1 y1 [a 1]", "3 b1 [a 1 b]",
		"2 c [c]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("visits:\n%q\nwant\n%q", got, want)
	}
}
