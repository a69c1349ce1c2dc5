package executor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/planner"
)

// TestEntityKeys: every input an entity's result depends on changes its key, and nothing else.
func TestEntityKeys(t *testing.T) {
	fetch := &planner.Fetch{Service: "inventory", Operation: "query($r:[_Any!]!,$c:String){_entities(representations:$r){... on Product{price(currency:$c)}}}", Variables: []string{"c"}}
	rep := []byte(`{"__typename":"Product","upc":"1"}`)
	key := func(f *planner.Fetch, vars map[string]any, scope string, rep []byte) string {
		d := fetchDigest(f, vars, scope)
		k, _ := entityKey(&d, rep, nil)
		return k
	}
	base := key(fetch, map[string]any{"c": "EUR"}, "alice", rep)
	if again := key(&planner.Fetch{Service: "inventory", Operation: fetch.Operation, Variables: []string{"c"}}, map[string]any{"c": "EUR", "unused": 1}, "alice", []byte(string(rep))); again != base {
		t.Errorf("the same fetch, variables, scope and representation give another key")
	}
	other := *fetch
	other.Service = "inventory2"
	otherOp := *fetch
	otherOp.Operation = strings.Replace(fetch.Operation, "price", "sku", 1)
	cases := map[string]string{
		"scope":              key(fetch, map[string]any{"c": "EUR"}, "bob", rep),
		"anonymous":          key(fetch, map[string]any{"c": "EUR"}, "", rep),
		"subgraph":           key(&other, map[string]any{"c": "EUR"}, "alice", rep),
		"operation":          key(&otherOp, map[string]any{"c": "EUR"}, "alice", rep),
		"variable value":     key(fetch, map[string]any{"c": "USD"}, "alice", rep),
		"variable null":      key(fetch, map[string]any{"c": nil}, "alice", rep),
		"variable absent":    key(fetch, map[string]any{}, "alice", rep),
		"representation":     key(fetch, map[string]any{"c": "EUR"}, "alice", []byte(`{"__typename":"Product","upc":"2"}`)),
		"scope into the rep": key(fetch, map[string]any{"c": "EUR"}, "alic", append([]byte("e"), rep...)),
	}
	seen := map[string]string{base: "base"}
	for name, k := range cases {
		if prev, dup := seen[k]; dup {
			t.Errorf("%s gives the same key as %s", name, prev)
		}
		seen[k] = name
	}
}

// TestLocalStoreCounters: an entry pushed out for room counts as an eviction; reads of
// present, absent and expired entries return what they should.
func TestLocalStoreCounters(t *testing.T) {
	ctx := context.Background()
	key := func(c string) string { return strings.Repeat(c, 32) }
	big := []byte(strings.Repeat("x", 600))
	t.Run("eviction", func(t *testing.T) {
		stats := &entityCounters{}
		s, err := newLocalStore(1000, stats)
		if err != nil {
			t.Fatal(err)
		}
		defer s.close()
		s.set(ctx, []entityEntry{{key: key("a"), value: big, ttl: time.Minute}})
		if got := s.get(ctx, []string{key("a"), key("z")}); string(got[0]) != string(big) || got[1] != nil {
			t.Errorf("get = %q, want the first value only", got)
		}
		s.set(ctx, []entityEntry{{key: key("b"), value: big, ttl: time.Minute}})
		if got := s.get(ctx, []string{key("a"), key("b")}); got[0] != nil || string(got[1]) != string(big) {
			t.Errorf("after a second large entry: get = %q, want only the second", got)
		}
		if n := stats.evictions.Load(); n != 1 {
			t.Errorf("%d evictions, want 1", n)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		stats := &entityCounters{}
		s, err := newLocalStore(1000, stats)
		if err != nil {
			t.Fatal(err)
		}
		s.set(ctx, []entityEntry{{key: key("e"), value: []byte("{}"), ttl: time.Millisecond}, {key: key("f"), value: []byte("{}"), ttl: time.Minute}})
		time.Sleep(5 * time.Millisecond)
		if got := s.get(ctx, []string{key("e"), key("f")}); got[0] != nil || string(got[1]) != "{}" {
			t.Errorf("get = %q, want the unexpired value only", got)
		}
		s.close() // empties the cache: not evictions
		if got := stats.snapshot(); got != (EntityCacheStats{}) {
			t.Errorf("stats %+v after close, want none", got)
		}
	})
}
