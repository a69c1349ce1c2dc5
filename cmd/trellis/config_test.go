package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigFileApplied(t *testing.T) {
	dir := t.TempDir()
	manifest := writeFile(t, dir, "manifest.json", `{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
		{"id": "`+sha("{ a }")+`", "body": "{ a }", "name": "A", "type": "query"}]}`)
	_ = manifest
	path := writeFile(t, dir, "trellis.yaml", `
supergraph: supergraph.graphql
listen: 127.0.0.1:4100
introspection: false
auth:
  jwks:
    - file: jwks.json
  issuers: [https://issuer.example]
  clock_skew: 0s
authorization:
  mode: reject
  policies:
    admin: claims.role == "admin"
cost:
  mode: enforce
  max_cost: 500
  scalar_weight: 0
  default_list_size: 20
rate_limit:
  enabled: true
  limit: 5000
  window: 10s
  client_key: [api_key, address]
  overrides:
    "key:vip": {limit: 100000, window: 1m}
  api_keys: [vip]
  redis:
    url: redis://127.0.0.1:6379/0
    timeout: 20ms
persisted_queries:
  apq: false
  trusted_documents: manifest.json
entity_cache:
  types: {Product: 30s}
limits:
  max_depth: 10
  max_tokens: 5000
timeouts:
  subgraph: 2s
`)
	file, err := readConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	if err := file.apply(&cfg); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"supergraph relative to the file", file.Supergraph, filepath.Join(dir, "supergraph.graphql")},
		{"jwks file", cfg.Auth.JWKS[0].File, filepath.Join(dir, "jwks.json")},
		{"issuers", cfg.Auth.Issuers[0], "https://issuer.example"},
		{"clock skew 0 kept", cfg.Auth.ClockSkew, time.Duration(0)},
		{"require exp default", cfg.Auth.RequireExp, true},
		{"reject", cfg.Authorization.Reject, true},
		{"policy", cfg.Authorization.Policies["admin"], `claims.role == "admin"`},
		{"cost mode", string(cfg.Cost.Mode), "enforce"},
		{"max cost", cfg.Cost.MaxCost, 500.0},
		{"object weight default", cfg.Cost.ObjectWeight, 1.0},
		{"list size", cfg.Cost.DefaultListSize, 20},
		{"rate limit", cfg.RateLimit.Budgets.Limit, 5000.0},
		{"window", cfg.RateLimit.Budgets.Window, 10 * time.Second},
		{"client key", strings.Join(cfg.RateLimit.ClientKey, ","), "api_key,address"},
		{"override", cfg.RateLimit.Budgets.Overrides["key:vip"].Limit, 100000.0},
		{"redis", cfg.RateLimit.Budgets.Redis.URL, "redis://127.0.0.1:6379/0"},
		{"redis timeout", cfg.RateLimit.Budgets.Redis.Timeout, 20 * time.Millisecond},
		{"api keys", strings.Join(cfg.RateLimit.APIKeys, ","), "vip"},
		{"min cost default", cfg.RateLimit.MinCost, 1.0},
		{"apq", cfg.PersistedQueries.APQ, false},
		{"trusted", cfg.PersistedQueries.Trusted[sha("{ a }")], "{ a }"},
		{"entity ttl", cfg.EntityCache.Types["Product"], 30 * time.Second},
		{"max depth", cfg.Limits.MaxDepth, 10},
		{"max aliases default", cfg.Limits.MaxAliases, executor.DefaultLimits().MaxAliases},
		{"tokens", cfg.MaxTokens, 5000},
		{"subgraph timeout", cfg.SubgraphTimeout, 2 * time.Second},
		{"introspection off", cfg.DisableIntrospection, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	cfg.Auth.JWKS = nil // the file does not exist; everything else must validate
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, body, want string }{
		{"unknown key with suggestion", "rate_limit:\n  enabled: true\n  limt: 5\n", `:3:3: unknown key "rate_limit.limt": did you mean "limit"?`},
		{"unknown top-level key", "frobnicate: 1\n", `:1:1: unknown key "frobnicate" (known keys here: auth, authorization, cost, dedup`},
		{"unknown key in a list item", "auth:\n  jwks:\n    - path: x\n", `:3:7: unknown key "auth.jwks[0].path" (known keys here: file, issuer, url)`},
		{"several at once", "a: 1\nb: 2\n", `:2:1: unknown key "b"`},
		{"wrong type", "cost:\n  max_cost: lots\n", "line 2: cannot unmarshal !!str `lots` into float64"},
		{"bad duration", "rate_limit:\n  window: soon\n", "line 2: cannot unmarshal !!str `soon` into time.Duration"},
		{"not yaml", "a: [\n", "did not find expected node content"},
		{"bad authorization mode", "authorization:\n  mode: block\n", `authorization.mode: "block" is not filter or reject`},
		{"missing manifest", "persisted_queries:\n  trusted_documents: none.json\n", "persisted_queries.trusted_documents: open "},
		{"auth without key sources", "auth:\n  issuers: [https://x]\n", "auth: list the key sources in auth.jwks"},
		{"zero is a value, not a default", "cost:\n  mode: enforce\n  max_cost: 0\n", "cost.max_cost: must be positive"},
		{"zero budget", "rate_limit:\n  enabled: true\n  limit: 0\n", "rate_limit.limit"},
		{"zero timeout", "timeouts:\n  request: 0s\n", "request_timeout must be positive"},
		{"override without a client kind", "rate_limit:\n  enabled: true\n  overrides:\n    alice: {limit: 1, window: 1s}\n", `rate_limit.overrides["alice"]: name the client as sub:SUBJECT`},
		{"bad entity cache redis", "entity_cache:\n  types: {Product: 1s}\n  redis_url: http://x\n", "entity_cache.redis_url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, dir, "trellis.yaml", c.body)
			file, err := readConfig(path)
			if err == nil {
				cfg := executor.DefaultConfig()
				if err = file.apply(&cfg); err == nil {
					err = cfg.Validate()
				}
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestManifestFormats(t *testing.T) {
	dir := t.TempDir()
	plain := writeFile(t, dir, "plain.json", `{"`+sha("{ b }")+`": "{ b }"}`)
	docs, err := readManifest(plain)
	if err != nil || docs[sha("{ b }")] != "{ b }" {
		t.Fatalf("plain: %v %v", docs, err)
	}
	other := writeFile(t, dir, "other.json", `{"format": "relay", "operations": []}`)
	if _, err := readManifest(other); err == nil || !strings.Contains(err.Error(), `format "relay"`) {
		t.Fatalf("other format: %v", err)
	}
	list := writeFile(t, dir, "list.json", `[1, 2]`)
	if _, err := readManifest(list); err == nil || !strings.Contains(err.Error(), "neither an Apollo persisted query manifest") {
		t.Fatalf("list: %v", err)
	}
}

func sha(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

// TestExampleConfig: the documented example loads and starts a gateway.
func TestExampleConfig(t *testing.T) {
	file, err := readConfig("../../examples/trellis.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	if err := file.apply(&cfg); err != nil {
		t.Fatal(err)
	}
	sg, err := loadSupergraph(file.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	gw.Close()
}

// TestEnvironmentOverrides: TRELLIS_SECTION__KEY variables override the file, read as YAML;
// a variable naming an unknown key is refused; other TRELLIS_ variables are left alone.
func TestEnvironmentOverrides(t *testing.T) {
	path := writeFile(t, t.TempDir(), "trellis.yaml", "cost:\n  mode: measure\n  max_cost: 100\n")
	env := []string{"TRELLIS_COST__MAX_COST=2500", "TRELLIS_RATE_LIMIT__ENABLED=true", "TRELLIS_RATE_LIMIT__CLIENT_KEY=[address]",
		"TRELLIS_GOSSIP_KEY=not-a-section", "PATH=/usr/bin"}
	cfg := executor.DefaultConfig()
	if _, err := configure(path, env, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Cost.MaxCost != 2500 || string(cfg.Cost.Mode) != "measure" || !cfg.RateLimit.Enabled || strings.Join(cfg.RateLimit.ClientKey, ",") != "address" {
		t.Fatalf("cost %+v rate limit %+v", cfg.Cost, cfg.RateLimit)
	}
	cfg = executor.DefaultConfig()
	if _, err := configure("", []string{"TRELLIS_COST__MAX_COSTS=1"}, &cfg); err == nil ||
		!strings.Contains(err.Error(), `environment TRELLIS_COST__MAX_COSTS: unknown key "cost.max_costs": did you mean "max_cost"?`) {
		t.Fatalf("unknown key: %v", err)
	}
	cfg = executor.DefaultConfig()
	if _, err := configure("", []string{"TRELLIS_COST__MODE=enforce", "TRELLIS_COST__MAX_COST=0"}, &cfg); err == nil ||
		!strings.Contains(err.Error(), "environment: cost.max_cost: must be positive") {
		t.Fatalf("bad value: %v", err)
	}
}

// TestEnvironmentEdgeCases: map keys keep their case, text values are taken as they are,
// and shallower overrides apply first whatever the environment's order.
func TestEnvironmentEdgeCases(t *testing.T) {
	env := []string{
		"TRELLIS_ENTITY_CACHE__TYPES__Product=30s",
		"TRELLIS_AUTHORIZATION__POLICIES__Admin=claims.team == \"a #1\"",
		"TRELLIS_COST__MODE=enforce",
		"TRELLIS_COST={max_cost: 50}",
	}
	cfg := executor.DefaultConfig()
	if _, err := configure("", env, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.EntityCache.Types["Product"] != 30*time.Second {
		t.Errorf("entity types %v", cfg.EntityCache.Types)
	}
	if got := cfg.Authorization.Policies["Admin"]; got != `claims.team == "a #1"` { // YAML would cut at " #"
		t.Errorf("policy %q", got)
	}
	if string(cfg.Cost.Mode) != "enforce" || cfg.Cost.MaxCost != 50 {
		t.Errorf("cost %+v", cfg.Cost)
	}
}
