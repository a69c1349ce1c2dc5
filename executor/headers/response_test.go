package headers

import (
	"net/http"
	"testing"
)

// TestCacheControlMerge: the most restrictive policy of the responses.
func TestCacheControlMerge(t *testing.T) {
	cases := []struct {
		name      string
		responses [][]string // each response's Cache-Control values; nil: no header
		want      string
	}{
		{"one response, normalized", [][]string{{"public, max-age=60"}}, "public, max-age=60"},
		{"smallest max-age", [][]string{{"max-age=60"}, {"max-age=30"}}, "max-age=30"},
		{"public only when all say so", [][]string{{"public, max-age=60"}, {"max-age=300"}}, "max-age=60"},
		{"both public", [][]string{{"public, max-age=60"}, {"public, max-age=30"}}, "public, max-age=30"},
		{"private over public", [][]string{{"public, max-age=60"}, {"private, max-age=300"}}, "private, max-age=60"},
		{"no-cache over private", [][]string{{"private, max-age=60"}, {"no-cache"}}, "private, no-cache"},
		{"no-cache", [][]string{{"public, max-age=60"}, {"no-cache"}}, "no-cache"},
		{"no-store over all", [][]string{{"no-cache"}, {"no-store"}, {"private, max-age=1"}}, "no-store"},
		{"a response without Cache-Control", [][]string{{"public, max-age=60"}, nil}, "no-store"},
		{"a response without max-age", [][]string{{"public, max-age=60"}, {"public"}}, "no-store"},
		{"an unreadable max-age", [][]string{{"max-age=60"}, {"max-age=soon"}}, "no-store"},
		{"negative max-age", [][]string{{"max-age=-1"}}, "no-store"},
		{"s-maxage kept for shared caches", [][]string{{"public, max-age=60, s-maxage=600"}, {"public, max-age=120, s-maxage=300"}}, "public, max-age=60, s-maxage=300"},
		{"max-age bounds s-maxage of the other", [][]string{{"max-age=60, s-maxage=600"}, {"max-age=30"}}, "max-age=30"},
		{"s-maxage alone", [][]string{{"public, s-maxage=100"}}, "public, max-age=0, s-maxage=100"},
		{"private drops s-maxage", [][]string{{"private, max-age=60"}, {"max-age=60, s-maxage=10"}}, "private, max-age=60"},
		{"must-revalidate kept", [][]string{{"max-age=60, must-revalidate"}, {"max-age=10"}}, "max-age=10, must-revalidate"},
		{"several header lines, any case, quotes", [][]string{{"Public", `MAX-AGE="90"`}, {"max-age=100"}}, "max-age=90"},
		{"unknown directives ignored", [][]string{{"max-age=60, immutable, stale-while-revalidate=30"}}, "max-age=60"},
		{"huge max-age clamped", [][]string{{"max-age=99999999999999999999"}}, "no-store"},
		{"max-age at the RFC bound", [][]string{{"max-age=9999999999"}}, "max-age=2147483648"},
	}
	r := mustNew(t, resp(ResponseRule{Propagate: &ResponsePropagate{Named: "Cache-Control"}}))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			col := r.Collect()
			for _, vs := range c.responses {
				col.Add("s", http.Header{"Cache-Control": vs})
			}
			if got := col.Header(false).Get("Cache-Control"); got != c.want {
				t.Errorf("Cache-Control = %q, want %q", got, c.want)
			}
		})
	}
}

// TestCacheControlOutcomes: errors, cache hits, and subgraphs whose Cache-Control is not
// merged.
func TestCacheControlOutcomes(t *testing.T) {
	r := mustNew(t, Config{Subgraphs: map[string]Section{
		"merged": {Response: []ResponseRule{{Propagate: &ResponsePropagate{Named: "Cache-Control"}}}},
		"other":  {Response: []ResponseRule{{Propagate: &ResponsePropagate{Named: "X-Other"}}}},
	}})
	cc := func(v string) http.Header { return http.Header{"Cache-Control": {v}} }
	col := r.Collect()
	col.Add("other", cc("no-store")) // not merged: other's rules do not pass it
	col.Add("merged", cc("max-age=60"))
	if got := col.Header(false).Get("Cache-Control"); got != "max-age=60" {
		t.Errorf("got %q, want only merged's policy", got)
	}
	if got := col.Header(true).Get("Cache-Control"); got != "no-store" {
		t.Errorf("a response with errors: %q, want no-store", got)
	}
	col.Unknown("other")
	if got := col.Header(false).Get("Cache-Control"); got != "max-age=60" {
		t.Errorf("a cache hit of a subgraph whose Cache-Control is not merged changed it: %q", got)
	}
	col.Unknown("merged")
	if got := col.Header(false).Get("Cache-Control"); got != "no-store" {
		t.Errorf("after a cache hit: %q, want no-store", got)
	}
	if h := r.Collect().Header(false); len(h) != 0 {
		t.Errorf("no response: %v, want no header", h)
	}
	if got := r.Collect().Header(true).Get("Cache-Control"); got != "no-store" {
		t.Errorf("errors without responses: %q, want no-store", got)
	}
}

// TestResponseAlgorithms: which headers pass, and how the values of several responses
// combine.
func TestResponseAlgorithms(t *testing.T) {
	r := mustNew(t, Config{
		All: Section{Response: []ResponseRule{
			{Propagate: &ResponsePropagate{Named: "x-first"}},
			{Propagate: &ResponsePropagate{Named: "X-Last", Algorithm: LastWrite}},
			{Propagate: &ResponsePropagate{Matching: "^x-rate-", Algorithm: Append}},
			{Propagate: &ResponsePropagate{Matching: ".*length|^trellis-|^x-over"}},
			{Propagate: &ResponsePropagate{Named: "X-Over", Algorithm: Append}}, // the last rule decides
		}},
		Subgraphs: map[string]Section{"b": {Response: []ResponseRule{{Propagate: &ResponsePropagate{Named: "X-Only-B"}}}}},
	})
	col := r.Collect()
	col.Add("a", http.Header{"X-First": {"a1"}, "X-Last": {"a"}, "X-Rate-Limit": {"10"}, "X-Private": {"p"},
		"Content-Length": {"12"}, "Trellis-Debug": {"1"}, "X-Over": {"1"}, "X-Only-B": {"from a"}})
	col.Add("b", http.Header{"X-First": {"b1"}, "X-Last": {"b"}, "X-Rate-Limit": {"10", "5"}, "X-Over": {"2"}, "X-Only-B": {"b"}})
	want := "X-First: a1\nX-Last: b\nX-Only-B: b\nX-Over: 1 | 2\nX-Rate-Limit: 10 | 5"
	h := col.Header(false)
	if got := show(h); got != want {
		t.Errorf("client gets\n%s\nwant\n%s", got, want)
	}
	h["X-Rate-Limit"] = append(h["X-Rate-Limit"], "appended")
	if got := show(col.Header(false)); got != want {
		t.Errorf("appending to a returned header changed the collector:\n%s", got)
	}
	var none *Collector
	none.Add("a", http.Header{"X-First": {"1"}})
	none.Unknown("a")
	if none.Header(true) != nil || (*Rules)(nil).Collect() != nil || mustNew(t, req(RequestRule{Set: &Set{Name: "X", Value: "1"}})).Collect() != nil {
		t.Error("a nil collector or rules without response rules collect")
	}
}
