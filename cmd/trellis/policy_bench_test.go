package main

import (
	"os"
	"testing"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/registry"
)

// BenchmarkConfigureWithPolicy: what each rebuild adds to read a policy under the file (the
// policy checked on its own, merged, decoded and validated), against the file alone.
func BenchmarkConfigureWithPolicy(b *testing.B) {
	path := writeTempB(b, "traffic:\n  cors:\n    origins: [https://local.example]\nrate_limit:\n  limit: 7\n")
	pv := &registry.PolicyVersion{Version: 1, Document: `traffic:
  cors: {origins: [https://policy.example], expose_headers: [X-From-Policy]}
  max_concurrent: 100
rate_limit: {enabled: true, limit: 50}
resilience:
  retry: {max_attempts: 2}
  timeouts: {per_service: {reviews: 2s}}
headers:
  all:
    request:
      - set: {name: X-Env, value: prod}
      - propagate: {named: Authorization}
`}
	for _, bc := range []struct {
		name string
		pv   *registry.PolicyVersion
	}{{"file", nil}, {"file+policy", pv}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cfg := executor.DefaultConfig()
				if _, err := configureWith(path, nil, &cfg, bc.pv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func writeTempB(b *testing.B, content string) string {
	b.Helper()
	path := b.TempDir() + "/trellis.yaml"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}
