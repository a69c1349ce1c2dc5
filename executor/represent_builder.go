package executor

import (
	"bytes"
	"encoding/json"
	"unsafe"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
)

// repBuilder collects one part's distinct representations. They are written one after the
// other into a buffer whose bytes are never changed once a representation is kept (only
// appended to, or cut back over a duplicate just written), so each is a slice of it. The
// buffer may be shared by the builders of one walk, which add one at a time.
//
// A response meets the same entity many times (the benchmark query's few products and users
// recur at every level), so add first looks the object up by its key values: a repeated
// entity costs a lookup and a comparison of its other required fields, not writing and
// comparing its whole representation. An object that is not found that way is written and
// compared with the representations so far, so the result is the same either way.
//
// A part has few distinct entities more often than not: up to smallReps they are found by
// a scan, which costs no map; past it, by two maps built then.
type repBuilder struct {
	buf  *[]byte
	kept []keptRep
	// targets counts the part's objects that have a representation.
	targets int

	seen  map[string]int // representation by its bytes, past smallReps
	byKey map[repKey]int // first representation by key, past smallReps
}

const smallReps = 8

// repKey is an entity by requirement and the values of its (at most two) scalar key fields.
// The zero repKey stands for an object that has none usable.
type repKey struct {
	req    *planner.Requirement
	k0, k1 any
}

// keptRep is a representation, the object it was written from and that object's key: an
// object with the same key and the same values in the other required fields writes the same
// bytes.
type keptRep struct {
	rep []byte
	key repKey
	obj *tree.Object
}

// add returns the index of obj's representation, written unless an equal one is already
// there; false when it cannot be built.
func (b *repBuilder) add(req *planner.Requirement, obj *tree.Object) (int, bool) {
	k, keyed, ok := repKeyOf(req, obj)
	if !ok {
		return 0, false
	}
	if keyed {
		if idx, hit := b.lookupKey(k); hit && sameFields(req, obj, b.kept[idx].obj) {
			return idx, true
		}
	} else {
		k = repKey{}
	}
	return b.write(req, obj, k)
}

func (b *repBuilder) lookupKey(k repKey) (int, bool) {
	if b.byKey != nil {
		idx, ok := b.byKey[k]
		return idx, ok
	}
	for i, r := range b.kept {
		if r.key == k {
			return i, true
		}
	}
	return 0, false
}

// write writes obj's representation and returns its index, that of an equal one when there
// is one; false when it cannot be built. k is obj's key (zero: none).
func (b *repBuilder) write(req *planner.Requirement, obj *tree.Object, k repKey) (int, bool) {
	start := len(*b.buf)
	buf := appendString(append(*b.buf, `{"__typename":`...), req.SendAs)
	buf, ok := appendRepFields(buf, req.Fields, obj, false)
	if !ok {
		return 0, false
	}
	// When buf outgrew *b.buf, append copied it: the earlier representations keep the old
	// array, which is never written again.
	buf = append(buf, '}')
	rep := buf[start:len(buf):len(buf)]
	if idx, dup := b.lookupRep(rep); dup {
		*b.buf = buf[:start] // drop the duplicate
		return idx, true
	}
	*b.buf = buf
	if b.kept == nil {
		b.kept = make([]keptRep, 0, 4)
	}
	idx := len(b.kept)
	b.kept = append(b.kept, keptRep{rep, k, obj})
	switch {
	case b.seen != nil:
		b.index(idx)
	case len(b.kept) > smallReps:
		b.seen = make(map[string]int, 2*len(b.kept))
		b.byKey = make(map[repKey]int, 2*len(b.kept))
		for i := range b.kept {
			b.index(i)
		}
	}
	return idx, true
}

func (b *repBuilder) lookupRep(rep []byte) (int, bool) {
	if b.seen != nil {
		idx, ok := b.seen[unsafe.String(&rep[0], len(rep))]
		return idx, ok
	}
	for i, r := range b.kept {
		if bytes.Equal(r.rep, rep) {
			return i, true
		}
	}
	return 0, false
}

// index enters representation i in the maps; a key keeps its first representation, as a
// scan would find it.
func (b *repBuilder) index(i int) {
	r := b.kept[i].rep
	b.seen[unsafe.String(&r[0], len(r))] = i
	if k := b.kept[i].key; k.req != nil {
		if _, ok := b.byKey[k]; !ok {
			b.byKey[k] = i
		}
	}
}

// repKeyOf reads obj's key values: ok is false when one is missing or null; keyed is false
// when they cannot serve as a map key (more than two, or not all scalars).
func repKeyOf(req *planner.Requirement, obj *tree.Object) (k repKey, keyed, ok bool) {
	k.req = req
	keyed = len(req.Keys) <= 2
	for i, name := range req.Keys {
		v := obj.Get(name)
		if v == nil {
			return k, false, false
		}
		if !keyed || !scalar(v) {
			keyed = false
			continue
		}
		if i == 0 {
			k.k0 = v
		} else {
			k.k1 = v
		}
	}
	return k, keyed, true
}

// sameFields reports whether obj's required fields other than the keys hold the same
// scalars as was's, so that their representations are the same bytes.
func sameFields(req *planner.Requirement, obj, was *tree.Object) bool {
next:
	for _, f := range req.Fields {
		if f.Name == "__typename" {
			continue
		}
		for _, k := range req.Keys {
			if f.Alias == k {
				continue next
			}
		}
		v, present := obj.Lookup(f.Alias)
		if !present || !scalar(v) || v != was.Get(f.Alias) {
			return false
		}
	}
	return true
}

// scalar reports whether v is a JSON scalar as decoded: its bytes in a representation
// follow from its value alone, and it compares with ==.
func scalar(v any) bool {
	switch v.(type) {
	case nil, string, json.Number, bool:
		return true
	}
	return false
}
