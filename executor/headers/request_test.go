package headers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func mustNew(t testing.TB, cfg Config) *Rules {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// show prints a header sorted, one "Name: v1 | v2" per line.
func show(h http.Header) string {
	var lines []string
	for name, vs := range h {
		lines = append(lines, name+": "+strings.Join(vs, " | "))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func client(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// TestApply: each request rule kind, in order, per subgraph.
func TestApply(t *testing.T) {
	claims := map[string]any{"sub": "u1", "org": map[string]any{"id": "o7", "tier": json.Number("3")},
		"admin": true, "groups": []any{"a", "b"}, "evil": "x\r\nY: z", "nothing": nil}
	in := Input{Claims: claims, Header: client(
		"Authorization", "Bearer t", "X-Request-Id", "r1", "X-Tenant-Id", "t1", "X-Tenant-Region", "eu",
		"X-Multi", "a", "X-Multi", "b", "Content-Type", "text/plain", "X-Other", "o")}
	cases := []struct {
		name     string
		rules    []RequestRule
		subgraph []RequestRule // rules of subgraph "s"
		in       Input
		want     string // what subgraph "s" receives
	}{
		{"nothing by default", nil, nil, in, ""},
		{"propagate named, any case", []RequestRule{{Propagate: &Propagate{Named: "authorization"}}}, nil, in, "Authorization: Bearer t"},
		{"propagate every value", []RequestRule{{Propagate: &Propagate{Named: "X-Multi"}}}, nil, in, "X-Multi: a | b"},
		{"absent: nothing", []RequestRule{{Propagate: &Propagate{Named: "X-Absent"}}}, nil, in, ""},
		{"rename", []RequestRule{{Propagate: &Propagate{Named: "X-Request-Id", Rename: "x-correlation-id"}}}, nil, in, "X-Correlation-Id: r1"},
		{"default when absent", []RequestRule{{Propagate: &Propagate{Named: "X-Absent", Rename: "X-Seen", Default: "none"}}}, nil, in, "X-Seen: none"},
		{"default unused when present", []RequestRule{{Propagate: &Propagate{Named: "X-Request-Id", Default: "none"}}}, nil, in, "X-Request-Id: r1"},
		{"matching, case-insensitive", []RequestRule{{Propagate: &Propagate{Matching: "^x-tenant-"}}}, nil, in,
			"X-Tenant-Id: t1\nX-Tenant-Region: eu"},
		{"matching skips forbidden names", []RequestRule{{Propagate: &Propagate{Matching: "^(content-type|x-other)$"}}}, nil, in, "X-Other: o"},
		{"set value", []RequestRule{{Set: &Set{Name: "x-gateway", Value: "trellis"}}}, nil, in, "X-Gateway: trellis"},
		{"set replaces a propagated header", []RequestRule{{Propagate: &Propagate{Named: "X-Other"}}, {Set: &Set{Name: "X-Other", Value: "fixed"}}}, nil, in, "X-Other: fixed"},
		{"propagate replaces a set header", []RequestRule{{Set: &Set{Name: "X-Other", Value: "fixed"}}, {Propagate: &Propagate{Named: "X-Other"}}}, nil, in, "X-Other: o"},
		{"claim sub", []RequestRule{{Set: &Set{Name: "X-User", Claim: "sub"}}}, nil, in, "X-User: u1"},
		{"nested claim", []RequestRule{{Set: &Set{Name: "X-Org", Claim: "org.id"}}}, nil, in, "X-Org: o7"},
		{"number claim", []RequestRule{{Set: &Set{Name: "X-Tier", Claim: "org.tier"}}}, nil, in, "X-Tier: 3"},
		{"bool claim", []RequestRule{{Set: &Set{Name: "X-Admin", Claim: "admin"}}}, nil, in, "X-Admin: true"},
		{"list claim as JSON", []RequestRule{{Set: &Set{Name: "X-Groups", Claim: "groups"}}}, nil, in, `X-Groups: ["a","b"]`},
		{"missing claim sets nothing", []RequestRule{{Set: &Set{Name: "X-A", Claim: "org.missing"}}, {Set: &Set{Name: "X-B", Claim: "sub.deeper"}}}, nil, in, ""},
		{"null claim sets nothing", []RequestRule{{Set: &Set{Name: "X-A", Claim: "nothing"}}}, nil, in, ""},
		{"claim with CRLF sets nothing", []RequestRule{{Set: &Set{Name: "X-A", Claim: "evil"}}}, nil, in, ""},
		{"anonymous: claim sets nothing", []RequestRule{{Set: &Set{Name: "X-User", Claim: "sub"}}}, nil, Input{Header: in.Header}, ""},
		{"remove named", []RequestRule{{Propagate: &Propagate{Matching: "^x-tenant-"}}, {Remove: &Remove{Named: "x-tenant-region"}}}, nil, in, "X-Tenant-Id: t1"},
		{"remove matching", []RequestRule{{Propagate: &Propagate{Named: "X-Other"}}, {Propagate: &Propagate{Matching: "^x-tenant-"}}, {Remove: &Remove{Matching: "tenant"}}}, nil, in, "X-Other: o"},
		{"remove then add again", []RequestRule{{Set: &Set{Name: "X-A", Value: "1"}}, {Remove: &Remove{Named: "X-A"}}, {Set: &Set{Name: "X-A", Value: "2"}}}, nil, in, "X-A: 2"},
		{"subgraph rules after all's", []RequestRule{{Propagate: &Propagate{Named: "Authorization"}}, {Set: &Set{Name: "X-Gateway", Value: "all"}}},
			[]RequestRule{{Remove: &Remove{Named: "Authorization"}}, {Set: &Set{Name: "X-Gateway", Value: "s"}}, {Set: &Set{Name: "X-Api-Key", Value: "k"}}}, in,
			"X-Api-Key: k\nX-Gateway: s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{All: Section{Request: c.rules}}
			if c.subgraph != nil {
				cfg.Subgraphs = map[string]Section{"s": {Request: c.subgraph}}
			}
			r := mustNew(t, cfg)
			h := http.Header{}
			r.Apply(h, "s", c.in)
			if got := show(h); got != c.want {
				t.Errorf("sent\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestApplyPerSubgraph: a subgraph's rules reach that subgraph only; other subgraphs get
// All's.
func TestApplyPerSubgraph(t *testing.T) {
	r := mustNew(t, Config{
		All: Section{Request: []RequestRule{{Set: &Set{Name: "X-Gateway", Value: "trellis"}}}},
		Subgraphs: map[string]Section{
			"products": {Request: []RequestRule{{Set: &Set{Name: "X-Api-Key", Value: "p"}}}},
			"reviews":  {Request: []RequestRule{{Remove: &Remove{Named: "X-Gateway"}}}},
		},
	})
	for sub, want := range map[string]string{
		"products":  "X-Api-Key: p\nX-Gateway: trellis",
		"reviews":   "",
		"inventory": "X-Gateway: trellis",
	} {
		h := http.Header{}
		r.Apply(h, sub, Input{})
		if got := show(h); got != want {
			t.Errorf("%s got\n%s\nwant\n%s", sub, got, want)
		}
	}
	var none *Rules
	h := http.Header{}
	none.Apply(h, "products", Input{Header: client("Authorization", "x")})
	if len(h) != 0 || none.Key(Input{}) != "" || none.Fingerprint("products", Input{}) != "" {
		t.Error("nil rules send or key something")
	}
}

// TestApplySharesNoBackingArray: a propagated value shares the client's slice, capped, so
// that appending to the subgraph request's header never writes into the client's.
func TestApplySharesNoBackingArray(t *testing.T) {
	r := mustNew(t, req(RequestRule{Propagate: &Propagate{Named: "X-A"}}))
	vs := make([]string, 1, 4)
	vs[0] = "a"
	in := Input{Header: http.Header{"X-A": vs}}
	h := http.Header{}
	r.Apply(h, "s", in)
	h.Add("X-A", "b")
	if got := vs[:2][1]; got != "" {
		t.Errorf("the client's backing array was written: %q", got)
	}
}

// TestKey: the dedup key changes with every value a rule reads, and only with those.
func TestKey(t *testing.T) {
	r := mustNew(t, Config{
		All: Section{Request: []RequestRule{{Propagate: &Propagate{Named: "Authorization"}}, {Set: &Set{Name: "X-Gateway", Value: "t"}}}},
		Subgraphs: map[string]Section{"s": {Request: []RequestRule{
			{Propagate: &Propagate{Matching: "^x-tenant-"}}, {Set: &Set{Name: "X-Org", Claim: "org.id"}}}}},
	})
	base := Input{Header: client("Authorization", "a", "X-Tenant-Id", "t1", "X-Unread", "u"), Claims: map[string]any{"org": map[string]any{"id": "o1"}, "jti": "1"}}
	k := r.Key(base)
	if len(k) != 32 {
		t.Fatalf("key %q", k)
	}
	same := []Input{
		{Header: client("Authorization", "a", "X-Tenant-Id", "t1", "X-Unread", "other"), Claims: base.Claims},
		{Header: client("X-Tenant-Id", "t1", "Authorization", "a"), Claims: map[string]any{"org": map[string]any{"id": "o1"}, "jti": "2"}},
	}
	for i, in := range same {
		if r.Key(in) != k {
			t.Errorf("same[%d]: the key changed with a value no rule reads", i)
		}
	}
	differ := []Input{
		{Header: client("Authorization", "b", "X-Tenant-Id", "t1"), Claims: base.Claims},
		{Header: client("X-Tenant-Id", "t1"), Claims: base.Claims},
		{Header: client("Authorization", "a", "X-Tenant-Id", "t2"), Claims: base.Claims},
		{Header: client("Authorization", "a", "X-Tenant-Id", "t1", "X-Tenant-Region", "eu"), Claims: base.Claims},
		{Header: client("Authorization", "a", "X-Tenant-Id", "t1"), Claims: map[string]any{"org": map[string]any{"id": "o2"}}},
		{Header: client("Authorization", "a", "X-Tenant-Id", "t1")},
		{Header: client("Authorization", "a", "Authorization", "b", "X-Tenant-Id", "t1"), Claims: base.Claims},
	}
	for i, in := range differ {
		if r.Key(in) == k {
			t.Errorf("differ[%d]: same key", i)
		}
	}
	static := mustNew(t, req(RequestRule{Set: &Set{Name: "X-Gateway", Value: "t"}}))
	if static.Key(base) != "" {
		t.Error("rules that read nothing give a key")
	}
}

// TestFingerprint: per subgraph, what that subgraph receives.
func TestFingerprint(t *testing.T) {
	r := mustNew(t, Config{Subgraphs: map[string]Section{
		"a": {Request: []RequestRule{{Propagate: &Propagate{Named: "X-Tenant"}}}},
		"b": {Request: []RequestRule{{Set: &Set{Name: "X-Static", Value: "1"}}}},
	}})
	t1, t2 := Input{Header: client("X-Tenant", "1")}, Input{Header: client("X-Tenant", "2")}
	if r.Fingerprint("a", t1) == r.Fingerprint("a", t2) {
		t.Error("a: two tenants, one fingerprint")
	}
	if r.Fingerprint("a", t1) != r.Fingerprint("a", Input{Header: client("X-Tenant", "1", "X-Other", "x")}) {
		t.Error("a: a header a does not receive changed its fingerprint")
	}
	if fb := r.Fingerprint("b", t1); fb == "" || fb != r.Fingerprint("b", t2) {
		t.Error("b receives the same static header from both")
	}
	if r.Fingerprint("c", t1) != "" || r.Fingerprint("a", Input{}) != "" {
		t.Error("a subgraph that receives nothing has a fingerprint")
	}
}

func ExampleRules_Apply() {
	r, err := New(Config{All: Section{Request: []RequestRule{
		{Propagate: &Propagate{Named: "X-Request-Id", Rename: "X-Correlation-Id", Default: "none"}},
		{Set: &Set{Name: "X-User", Claim: "sub"}},
	}}})
	if err != nil {
		panic(err)
	}
	h := http.Header{}
	r.Apply(h, "products", Input{Header: http.Header{}, Claims: map[string]any{"sub": "ada"}})
	fmt.Println(show(h))
	// Output:
	// X-Correlation-Id: none
	// X-User: ada
}
