package executor_test

import (
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
)

// TestExamplesWithCacheAndDedupKeepTheirOwnAnswers: the example subgraphs behind
// gateways that cache every entity type in process and share identical executions: many
// different queries at once, each answer must be the one a plain gateway gives alone, also
// once its entities come from the cache (decoded from entries re-encoded out of earlier
// executions' arenas) and after the arenas were reused many times.
func TestExamplesWithCacheAndDedupKeepTheirOwnAnswers(t *testing.T) {
	plain, subs := startExamples(t)
	queries := differentQueries()
	want := answersAlone(t, plain, queries)
	configs := map[string]func(*executor.Config){
		"cache": func(c *executor.Config) {},
		"cache and dedup": func(c *executor.Config) {
			c.Dedup = true
		},
	}
	for name, set := range configs {
		t.Run(name, func(t *testing.T) {
			cfg := executor.DefaultConfig()
			cfg.EntityCache = executor.DefaultEntityCacheConfig()
			cfg.EntityCache.Types = map[string]time.Duration{"Product": time.Hour, "Review": time.Hour, "User": time.Hour}
			set(&cfg)
			gw := gatewayAt(t, subs, nil, cfg)
			postAtOnce(t, gw, queries, want, 50)
			// Every entity is cached by now: the answers come from the cache alone.
			for i, q := range queries {
				if _, body := post(t, gw, q); body != want[i] {
					t.Errorf("query %d from the cache:\n got %.300s\nwant %.300s", i, body, want[i])
				}
			}
		})
	}
}
