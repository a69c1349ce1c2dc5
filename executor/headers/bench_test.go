package headers

import (
	"net/http"
	"testing"
)

// benchConfig is the documented example: propagation by name and by regex, a rename with a
// default, a fixed value, a claim, a removal, and a subgraph's own rule.
func benchConfig() Config {
	return Config{
		All: Section{
			Request: []RequestRule{
				{Propagate: &Propagate{Named: "Authorization"}},
				{Propagate: &Propagate{Named: "X-Request-Id", Rename: "X-Correlation-Id", Default: "none"}},
				{Propagate: &Propagate{Matching: "^x-tenant-"}},
				{Set: &Set{Name: "X-Gateway", Value: "trellis"}},
				{Set: &Set{Name: "X-User", Claim: "sub"}},
				{Remove: &Remove{Named: "X-Internal"}},
			},
			Response: []ResponseRule{
				{Propagate: &ResponsePropagate{Named: "Cache-Control"}},
				{Propagate: &ResponsePropagate{Matching: "^x-rate-", Algorithm: FirstWrite}},
			},
		},
		Subgraphs: map[string]Section{"products": {Request: []RequestRule{{Set: &Set{Name: "X-Api-Key", Value: "k"}}}}},
	}
}

// benchInput is a browser-like request: a dozen headers, two of them tenant headers.
func benchInput() Input {
	return Input{
		Header: client("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig", "X-Request-Id", "4bf92f3577b34da6",
			"X-Tenant-Id", "t-42", "X-Tenant-Region", "eu-west", "Accept", "application/json", "Accept-Encoding", "gzip, br",
			"Content-Type", "application/json", "User-Agent", "Mozilla/5.0", "Origin", "https://app.example.com",
			"Cookie", "session=abc", "Referer", "https://app.example.com/", "Accept-Language", "en"),
		Claims: map[string]any{"sub": "user-1", "scope": "read"},
	}
}

// BenchmarkHeaderRules: the per-fetch cost of the rules (Apply into a fresh header, as each
// subgraph request has), the per-request cost of the dedup key, and of gathering two
// subgraph responses.
func BenchmarkHeaderRules(b *testing.B) {
	r, err := New(benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	in := benchInput()
	b.Run("apply", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h := make(http.Header, 8)
			r.Apply(h, "products", in)
		}
	})
	b.Run("key", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = r.Key(in)
		}
	})
	b.Run("fingerprint", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = r.Fingerprint("products", in)
		}
	})
	resp := http.Header{"Cache-Control": {"public, max-age=60"}, "X-Rate-Remaining": {"99"},
		"Content-Type": {"application/json"}, "Content-Length": {"1234"}, "Date": {"Mon, 01 Jan 2026 00:00:00 GMT"}}
	b.Run("collect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := r.Collect()
			c.Add("products", resp)
			c.Add("reviews", resp)
			_ = c.Header(false)
		}
	})
}
