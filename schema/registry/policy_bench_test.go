package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func benchPolicyRegistry(b *testing.B) *Registry {
	r, err := Open(context.Background(), filepath.Join(b.TempDir(), "registry.db"), policyOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// BenchmarkPublishPolicySQLite: one policy version stored (validated, fsync'd commit).
func BenchmarkPublishPolicySQLite(b *testing.B) {
	r := benchPolicyRegistry(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, changed, err := r.PublishPolicy(ctx, admin, fmt.Sprintf("traffic: {max_concurrent: %d}\n", i)); err != nil || !changed {
			b.Fatal(changed, err)
		}
	}
}

// BenchmarkRefreshPolicySQLite: what each waiting WaitPolicy does every PollInterval when
// nothing changed (one read of the latest version).
func BenchmarkRefreshPolicySQLite(b *testing.B) {
	r := benchPolicyRegistry(b)
	ctx := context.Background()
	pv, _, err := r.PublishPolicy(ctx, admin, policy1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if got, err := r.refreshPolicy(ctx, pv); err != nil || got != pv {
			b.Fatal(got, err)
		}
	}
}
