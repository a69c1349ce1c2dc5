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

// Object is a JSON object: its members, in the order they were decoded or added. A key may
// appear twice in a decoded object; the last one is the one that counts, as with
// encoding/json. Objects are not safe for concurrent use.
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

// Init makes o the object of fields (which it keeps, and appends to when a key is added).
func (o *Object) Init(fields []Field) {
	o.Fields, o.index = fields, nil
	if len(fields) > IndexAt {
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

// Reserve makes room for n more members without growing the slice again.
func (o *Object) Reserve(n int) {
	o.Fields = slices.Grow(o.Fields, n)
}

// Delete removes key's members.
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

// Unique reports whether the member at i is the one that counts for its key (no later
// member has the same key).
func (o *Object) Unique(i int) bool {
	return o.Pos(o.Fields[i].Key) == i
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
