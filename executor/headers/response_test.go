package headers

import (
	"fmt"
	"net/http"
	"strings"
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

// TestGatewayOwnedResponseHeaders: CORS, authentication challenges and Vary are the
// gateway's: a subgraph's never reach the client, even through a rule matching everything
// (a subgraph's Access-Control-Allow-Origin would grant origins the gateway's CORS refuses),
// and a rule naming one is refused.
func TestGatewayOwnedResponseHeaders(t *testing.T) {
	r := mustNew(t, Config{All: Section{Response: []ResponseRule{{Propagate: &ResponsePropagate{Matching: "."}}}}})
	col := r.Collect()
	col.Add("a", http.Header{"Access-Control-Allow-Origin": {"https://evil.example"}, "Access-Control-Allow-Credentials": {"true"},
		"Www-Authenticate": {"Basic"}, "Vary": {"Cookie"}, "X-Kept": {"1"}})
	// (Cache-Control matches "." too: a subgraph without one makes the answer no-store.)
	if got := show(col.Header(false)); got != "Cache-Control: no-store\nX-Kept: 1" {
		t.Errorf("client gets\n%s\nwant only Cache-Control and X-Kept", got)
	}
	for _, name := range []string{"access-control-allow-origin", "Access-Control-Expose-Headers", "WWW-Authenticate", "vary"} {
		if _, err := New(Config{All: Section{Response: []ResponseRule{{Propagate: &ResponsePropagate{Named: name}}}}}); err == nil {
			t.Errorf("a response rule naming %s was accepted", name)
		}
	}
}

// TestRuleCountBounded: rules for all are copied into every subgraph section, so a small
// configuration could compile to millions; past MaxRules (or MaxSubgraphSections) it is
// refused.
func TestRuleCountBounded(t *testing.T) {
	all := Section{}
	for i := 0; i < 100; i++ {
		all.Request = append(all.Request, RequestRule{Set: &Set{Name: fmt.Sprintf("X-%d", i), Value: "v"}})
	}
	cfg := Config{All: all, Subgraphs: map[string]Section{}}
	for i := 0; i < 99; i++ {
		cfg.Subgraphs[fmt.Sprintf("s%d", i)] = Section{}
	}
	if _, err := New(cfg); err != nil {
		t.Fatalf("100 rules × 100 copies = %d: %v", 100*100, err)
	}
	cfg.Subgraphs["s99"] = Section{Request: []RequestRule{{Set: &Set{Name: "X-Own", Value: "v"}}}}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "more than 10000") {
		t.Fatalf("10,101 rules: %v", err)
	}
	many := Config{Subgraphs: map[string]Section{}}
	for i := 0; i <= MaxSubgraphSections; i++ {
		many.Subgraphs[fmt.Sprintf("s%d", i)] = Section{}
	}
	if _, err := New(many); err == nil || !strings.Contains(err.Error(), "sections, more than") {
		t.Fatalf("%d sections: %v", MaxSubgraphSections+1, err)
	}
}
