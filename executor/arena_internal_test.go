package executor

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/trellis-gql/trellis/executor/tree"
)

// TestArenaReusesWhatItHandedOut: after a reset, the arena hands out the same bodies and
// blocks again, emptied: nothing of the last execution is reachable from them.
func TestArenaReusesWhatItHandedOut(t *testing.T) {
	a := &arena{}
	raw := a.body(64)
	copy(raw, `{"data":{"a":[{"b":"x","c":1}],"d":"y"}}`)
	raw = raw[:len(`{"data":{"a":[{"b":"x","c":1}],"d":"y"}}`)]
	b := a.box(0)
	if _, err := parseResponse(raw, b); err != nil {
		t.Fatal(err)
	}
	grown := tree.New(tree.Field{Key: "k", Value: 1})
	e := &execution{arena: a}
	e.add(grown, []tree.Field{{Key: "l", Value: 2}})
	objects, members := b.objects.cur[:cap(b.objects.cur)], b.members.cur[:cap(b.members.cur)]
	merged := a.members.cur[:cap(a.members.cur)]
	a.indices = append(a.indices, 1, 2, 3)
	a.found = append(a.found, partTarget{0, target{obj: grown}})[:0]
	found := a.found[:1]
	targets := carve(&a.targets, []target{{obj: grown}}, 1, 8)

	size := a.reset()
	if size < 64 {
		t.Fatalf("reset reports %d bytes held, want at least the 64 of the body", size)
	}
	for i, o := range objects {
		if o.Fields != nil {
			t.Fatalf("object %d of the block still has members after reset: %v", i, o.Fields)
		}
	}
	for i, f := range append(members, merged...) {
		if f != (tree.Field{}) {
			t.Fatalf("member %d of a block still set after reset: %+v", i, f)
		}
	}
	if len(a.indices) != 0 || cap(a.indices) < 3 {
		t.Errorf("indices after reset: length %d, capacity %d; want 0 and kept", len(a.indices), cap(a.indices))
	}
	if found[0].obj != nil || targets[0].obj != nil {
		t.Error("a walk's objects are still reachable from the arena after reset")
	}
	if again := a.body(10); unsafe.SliceData(again) != unsafe.SliceData(raw) {
		t.Error("the body buffer was not reused")
	}
	if again := a.box(0); again != b {
		t.Error("the boxes were not reused")
	}
	if _, err := decodeIn([]byte(`{"x":{"y":"z"}}`), b); err != nil {
		t.Fatal(err)
	}
	if unsafe.SliceData(b.objects.cur) != unsafe.SliceData(objects) {
		t.Error("the objects block was not reused")
	}
}

// TestArenaHandsOutLargeBodies: a body larger than every free buffer gets a new one.
func TestArenaHandsOutLargeBodies(t *testing.T) {
	a := &arena{}
	a.body(8)
	a.reset()
	if got := a.body(100); len(got) != 100 {
		t.Fatalf("body(100) has length %d", len(got))
	}
	if len(a.free) != 1 {
		t.Fatalf("the small buffer should stay free, %d free", len(a.free))
	}
}

// TestSubgraphErrorsOutliveTheArena: a subgraph's errors are copied out of its body, so they
// stay as they were when the arena reuses the body for another response.
func TestSubgraphErrorsOutliveTheArena(t *testing.T) {
	a := &arena{}
	const text = `{"errors":[{"message":"boom","path":["a",0],"extensions":{"code":"X","n":12,"list":["y"]}}],"data":null}`
	raw := a.body(len(text))
	copy(raw, text)
	resp, err := parseResponse(raw, a.box(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(resp.Errors)
	a.reset()
	other := a.body(len(text))
	for i := range other {
		other[i] = '#'
	}
	if got := fmt.Sprint(resp.Errors); got != want {
		t.Fatalf("errors changed with the body's memory:\n got %s\nwant %s", got, want)
	}
}
