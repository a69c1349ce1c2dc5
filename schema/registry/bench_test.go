package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func benchRegistry(b *testing.B) *Registry {
	r, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), testOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// BenchmarkPublishSQLite: one published version per iteration (compose, diff, three inserts
// and an fsync'd commit) with 10 subgraphs in the set.
func BenchmarkPublishSQLite(b *testing.B) {
	r := benchRegistry(b)
	ctx := context.Background()
	for i := range 10 {
		name := fmt.Sprintf("s%d", i)
		if _, err := r.Publish(ctx, admin, Input{Name: name, RoutingURL: urlA, SDL: "type Query { " + name + ": Int }"}, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		res, err := r.Publish(ctx, admin, Input{Name: "s0", SDL: fmt.Sprintf("type Query { s0: Int }\n# %d", i)}, false)
		if err != nil || res.Status != StatusPublished {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkAuthenticateSQLite: one token lookup, as every admin API request does.
func BenchmarkAuthenticateSQLite(b *testing.B) {
	r := benchRegistry(b)
	ctx := context.Background()
	secret, _, err := r.Bootstrap(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Authenticate(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSupergraphSQLite: reading the latest supergraph, as polling gateways do.
func BenchmarkSupergraphSQLite(b *testing.B) {
	r := benchRegistry(b)
	ctx := context.Background()
	if _, err := r.Publish(ctx, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if sg, err := r.Supergraph(ctx); err != nil || sg == nil {
			b.Fatal(sg, err)
		}
	}
}
