package executor

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/trellis-gql/trellis/executor/headers"
)

// TestHeaderFingerprintPerSubgraph: the concurrent fetches of a request get each subgraph's
// own fingerprint, the one the rules compute for it, and the next request its own; more
// subgraphs than headerRun has room for are remembered as well.
func TestHeaderFingerprintPerSubgraph(t *testing.T) {
	r, err := headers.New(headers.Config{
		All:       headers.Section{Request: []headers.RequestRule{{Propagate: &headers.Propagate{Named: "X-Tenant"}}}},
		Subgraphs: map[string]headers.Section{"products": {Request: []headers.RequestRule{{Set: &headers.Set{Name: "X-Api-Key", Value: "k"}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	g := &Gateway{headers: r}
	subgraphs := []string{"products", "inventory", "reviews", "accounts", "shipping", "search"}
	seen := map[string]string{} // fingerprint -> the tenant and subgraph it was made for
	for _, tenant := range []string{"a", "b"} {
		in := headers.Input{Header: http.Header{"X-Tenant": {tenant}}}
		ctx := withHeaderRun(context.Background(), &headerRun{in: in})
		got := make([][]string, 8) // per fetch, per subgraph
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() {
				got[i] = make([]string, len(subgraphs))
				for j := range subgraphs {
					k := (i + j) % len(subgraphs) // each fetch asks in another order
					got[i][k] = g.headerFingerprint(ctx, subgraphs[k])
				}
			})
		}
		wg.Wait()
		for k, s := range subgraphs {
			want := r.Fingerprint(s, in)
			for i := range got {
				if got[i][k] != want {
					t.Errorf("tenant %s, fetch %d: %s's fingerprint %x, want %x", tenant, i, s, got[i][k], want)
				}
			}
			if want == "" {
				t.Fatalf("tenant %s: no fingerprint for %s", tenant, s)
			}
			if s != "products" && s != "inventory" {
				continue // sent what inventory is sent: the same fingerprint
			}
			if other, ok := seen[want]; ok {
				t.Errorf("tenant %s, %s: the fingerprint of %s", tenant, s, other)
			}
			seen[want] = tenant + "/" + s
		}
	}
}

// TestHeaderFingerprintWithoutRules: without header rules there is no fingerprint, and asking
// for one costs no allocation.
func TestHeaderFingerprintWithoutRules(t *testing.T) {
	g := &Gateway{}
	ctx := context.Background()
	if got := g.headerFingerprint(ctx, "inventory"); got != "" {
		t.Errorf("fingerprint %q, want none", got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = g.headerFingerprint(ctx, "inventory") }); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

// BenchmarkHeaderFingerprint: the fingerprints the entity cache asks for in one request, one
// per part of its entity fetches: one part; four of two subgraphs; and no header rules.
func BenchmarkHeaderFingerprint(b *testing.B) {
	r, err := headers.New(headers.Config{
		All: headers.Section{Request: []headers.RequestRule{
			{Propagate: &headers.Propagate{Named: "Authorization"}},
			{Propagate: &headers.Propagate{Named: "X-Request-Id", Rename: "X-Correlation-Id", Default: "none"}},
			{Propagate: &headers.Propagate{Matching: "^x-tenant-"}},
			{Set: &headers.Set{Name: "X-Gateway", Value: "trellis"}},
			{Set: &headers.Set{Name: "X-User", Claim: "sub"}},
			{Remove: &headers.Remove{Named: "X-Internal"}},
		}},
		Subgraphs: map[string]headers.Section{"reviews": {Request: []headers.RequestRule{{Set: &headers.Set{Name: "X-Api-Key", Value: "k"}}}}},
	})
	if err != nil {
		b.Fatal(err)
	}
	in := headers.Input{
		Header: http.Header{"Authorization": {"Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig"}, "X-Request-Id": {"4bf92f3577b34da6"},
			"X-Tenant-Id": {"t-42"}, "X-Tenant-Region": {"eu-west"}, "Accept": {"application/json"},
			"Content-Type": {"application/json"}, "User-Agent": {"Mozilla/5.0"}, "Cookie": {"session=abc"}},
		Claims: map[string]any{"sub": "user-1", "scope": "read"},
	}
	for _, c := range []struct {
		rules *headers.Rules
		parts []string
	}{
		{r, []string{"inventory"}},
		{r, []string{"inventory", "inventory", "inventory", "reviews"}},
		{nil, []string{"inventory", "inventory", "inventory", "reviews"}},
	} {
		name := fmt.Sprintf("parts=%d", len(c.parts))
		if c.rules == nil {
			name += "/no-rules"
		}
		b.Run(name, func(b *testing.B) {
			g := &Gateway{headers: c.rules}
			b.ReportAllocs()
			for b.Loop() {
				ctx := context.Background()
				if c.rules != nil {
					ctx = withHeaderRun(ctx, &headerRun{in: in})
				}
				for _, s := range c.parts {
					_ = g.headerFingerprint(ctx, s)
				}
			}
		})
	}
}
