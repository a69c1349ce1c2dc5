package tree

import (
	"fmt"
	"reflect"
	"testing"
)

// TestObjectBehavesLikeAMap runs the same operations on an Object and on a map, with
// objects below and above IndexAt, and checks they agree after each one.
func TestObjectBehavesLikeAMap(t *testing.T) {
	for _, size := range []int{0, 3, IndexAt, IndexAt + 1, 3 * IndexAt} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var fields []Field
			want := map[string]any{}
			for i := range size {
				k := fmt.Sprint("k", i)
				fields = append(fields, Field{k, i})
				want[k] = i
			}
			o := New(fields...)
			check := func(step string) {
				t.Helper()
				if got := Plain(o); !reflect.DeepEqual(got, want) {
					t.Fatalf("after %s: %v, want %v", step, got, want)
				}
				for k, v := range want {
					if got, ok := o.Lookup(k); !ok || got != v {
						t.Fatalf("after %s: Lookup(%q) = %v, %v; want %v", step, k, got, ok, v)
					}
				}
				if _, ok := o.Lookup("absent"); ok {
					t.Fatalf("after %s: Lookup of an absent key found it", step)
				}
			}
			check("New")
			for i := range 2 * IndexAt {
				k := fmt.Sprint("k", i)
				o.Set(k, -i)
				want[k] = -i
				check("Set " + k)
			}
			o.Delete("k1")
			delete(want, "k1")
			check("Delete")
			o.Rename("k2", "renamed")
			want["renamed"] = want["k2"]
			delete(want, "k2")
			check("Rename")
			o.Rename("k3", "k4") // onto an existing key: k3's value wins
			want["k4"] = want["k3"]
			delete(want, "k3")
			check("Rename onto a key")
			o.Rename("absent", "k5")
			check("Rename of an absent key")
		})
	}
}

// TestDuplicateKeysLastCounts: a decoded object may give a key twice; it keeps one member
// per key, with the last value, as encoding/json does, below and above IndexAt.
func TestDuplicateKeysLastCounts(t *testing.T) {
	for _, pad := range []int{0, 3, IndexAt, 5 * IndexAt} {
		fields := []Field{{"a", 1}}
		for i := range pad {
			fields = append(fields, Field{fmt.Sprint("p", i), i}, Field{"a", 100 + i})
		}
		fields = append(fields, Field{"a", 2})
		o := New(fields...)
		if got := o.Get("a"); got != 2 {
			t.Errorf("pad %d: Get = %v, want the last value 2", pad, got)
		}
		if len(o.Fields) != pad+1 || o.Fields[0].Key != "a" {
			t.Errorf("pad %d: %d members (first %q), want %d, the key where it first was", pad, len(o.Fields), o.Fields[0].Key, pad+1)
		}
		o.Delete("a")
		if o.Has("a") {
			t.Errorf("pad %d: Delete left a member of the key", pad)
		}
	}
}

// TestFilterCollisionsAreNotDuplicates: keys of the same length and first byte pass the
// filter and must all stay.
func TestFilterCollisionsAreNotDuplicates(t *testing.T) {
	o := New(Field{"ab", 1}, Field{"ac", 2}, Field{"", 3}, Field{"ad", 4}, Field{"", 5})
	want := map[string]any{"ab": 1, "ac": 2, "": 5, "ad": 4}
	if got := Plain(o); !reflect.DeepEqual(got, want) || len(o.Fields) != 4 {
		t.Fatalf("%v (%d members), want %v", got, len(o.Fields), want)
	}
}

func TestNilObjectReadsAsEmpty(t *testing.T) {
	var o *Object
	if o.Has("a") || o.Get("a") != nil || o.Pos("a") != -1 {
		t.Fatal("a nil object has members")
	}
}

func TestFromPlainCopies(t *testing.T) {
	list := []any{map[string]any{"b": "x"}, "y"}
	in := map[string]any{"a": list}
	o := FromPlain(in).(*Object)
	if _, ok := list[0].(map[string]any); !ok {
		t.Fatal("FromPlain changed its input's list")
	}
	if !reflect.DeepEqual(Plain(o), in) {
		t.Fatalf("round trip: %v, want %v", Plain(o), in)
	}
}
