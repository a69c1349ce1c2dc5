// Package tree holds the executor's response tree: the JSON values of subgraph responses,
// merged into one tree per request and then projected into the client's response. Objects
// are *Object, lists []any, and scalars string, json.Number, bool and nil.
//
// An object is its members in a slice, not a map: the objects of a GraphQL response have a
// few fields each, and scanning a few keys costs less than hashing one, builds no map on
// decoding, and keeps an object's members together in memory. Past IndexAt members an object
// also keeps a map from key to position, so a hostile response of one huge object costs no
// more than a map would.
package tree

import "slices"

// Object is a JSON object: its members, in the order they were decoded or added, each key
// once (of a key given twice, the last value is kept, as encoding/json does). Objects are
// not safe for concurrent use.
type Object struct {
	Fields []Field
	index  map[string]int // by key, the position of its last member; past IndexAt members
}

// Field is one member of an object.
type Field struct {
	Key   string
	Value any
}

// IndexAt is the number of members past which an object keeps an index.
const IndexAt = 16

// Init makes o the object of fields (which it keeps, changes when a key is given twice, and
// appends to when a key is added).
func (o *Object) Init(fields []Field) {
	o.Fields, o.index = fields, nil
	if len(fields) > IndexAt {
		o.reindex()
		if len(o.index) < len(fields) {
			o.dedupe()
		}
		return
	}
	// A key given twice is rare: a 64-bit filter of the keys' lengths and first bytes rules
	// it out for most objects, without comparing keys.
	var seen uint64
	for _, f := range fields {
		bit := uint64(1) << ((uint(len(f.Key))*7 + uint(firstByte(f.Key))) % 64)
		if seen&bit != 0 {
			o.dedupe()
			return
		}
		seen |= bit
	}
}

func firstByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

// dedupe keeps the last value of each key, where its first member was.
func (o *Object) dedupe() {
	out := o.Fields[:0]
	var at map[string]int // past IndexAt members: a scan per member would be quadratic
	if len(o.Fields) > IndexAt {
		at = make(map[string]int, len(o.Fields))
	}
	for _, f := range o.Fields {
		i := -1
		if at != nil {
			if j, ok := at[f.Key]; ok {
				i = j
			}
		} else {
			for j := range out {
				if out[j].Key == f.Key {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			out[i].Value = f.Value
			continue
		}
		if at != nil {
			at[f.Key] = len(out)
		}
		out = append(out, f)
	}
	clear(o.Fields[len(out):])
	o.Fields = out
	if o.index != nil {
		o.reindex()
	}
}

// New returns the object of fields.
func New(fields ...Field) *Object {
	o := &Object{}
	o.Init(fields)
	return o
}

func (o *Object) reindex() {
	o.index = make(map[string]int, len(o.Fields))
	for i, f := range o.Fields {
		o.index[f.Key] = i
	}
}

// Pos returns the position of key's member, -1 when there is none (or o is nil).
func (o *Object) Pos(key string) int {
	if o == nil {
		return -1
	}
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			return i
		}
		return -1
	}
	// From the end: keys added by merges, which walks look for, are there.
	for i := len(o.Fields) - 1; i >= 0; i-- {
		if o.Fields[i].Key == key {
			return i
		}
	}
	return -1
}

// Lookup returns key's value and whether o has it.
func (o *Object) Lookup(key string) (any, bool) {
	if i := o.Pos(key); i >= 0 {
		return o.Fields[i].Value, true
	}
	return nil, false
}

// Get returns key's value, nil when o has none.
func (o *Object) Get(key string) any {
	v, _ := o.Lookup(key)
	return v
}

// Has reports whether o has key.
func (o *Object) Has(key string) bool {
	return o.Pos(key) >= 0
}

// Set sets key's value, adding a member when o has none.
func (o *Object) Set(key string, v any) {
	if i := o.Pos(key); i >= 0 {
		o.Fields[i].Value = v
		return
	}
	o.Add(key, v)
}

// Add adds a member for key, which o must not have.
func (o *Object) Add(key string, v any) {
	o.Fields = append(o.Fields, Field{key, v})
	switch {
	case o.index != nil:
		o.index[key] = len(o.Fields) - 1
	case len(o.Fields) > IndexAt:
		o.reindex()
	}
}

// Delete removes key's member.
func (o *Object) Delete(key string) {
	if !o.Has(key) {
		return
	}
	o.Fields = slices.DeleteFunc(o.Fields, func(f Field) bool { return f.Key == key })
	if o.index != nil {
		o.reindex()
	}
}

// Rename moves from's value to the key to (replacing its value, if any); nothing happens
// when o has no from.
func (o *Object) Rename(from, to string) {
	v, ok := o.Lookup(from)
	if !ok || from == to {
		return
	}
	o.Delete(from)
	o.Set(to, v)
}

// FromPlain converts a tree of map[string]any and []any (as encoding/json decodes) into a
// response tree (new objects and lists), keys in sorted order.
func FromPlain(v any) any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fields := make([]Field, len(keys))
		for i, k := range keys {
			fields[i] = Field{k, FromPlain(v[k])}
		}
		return New(fields...)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = FromPlain(x)
		}
		return out
	}
	return v
}

// Plain converts a response tree into map[string]any and []any (new lists), as
// encoding/json would decode it: the last member of a key counts.
func Plain(v any) any {
	switch v := v.(type) {
	case *Object:
		m := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			m[f.Key] = Plain(f.Value)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = Plain(x)
		}
		return out
	}
	return v
}
