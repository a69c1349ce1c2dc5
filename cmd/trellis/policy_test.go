package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// configureLocal writes local as trellis.yaml (none when "") and configures with policy doc
// (none when "") as version 3 under it.
func configureLocal(t *testing.T, local, doc string, environ ...string) (*fileConfig, *executor.Config, error) {
	t.Helper()
	path := ""
	if local != "" {
		path = filepath.Join(t.TempDir(), "trellis.yaml")
		if err := os.WriteFile(path, []byte(local), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var pv *registry.PolicyVersion
	if doc != "" {
		pv = &registry.PolicyVersion{Version: 3, Document: doc}
	}
	cfg := executor.DefaultConfig()
	f, err := configureWith(path, environ, &cfg, pv)
	return f, &cfg, err
}

// TestPolicyMerge: the policy gives what the file leaves out; what the file sets wins, key by
// key through mappings, wholesale for lists; a key without a value keeps the policy's; the
// environment wins over both.
func TestPolicyMerge(t *testing.T) {
	policy := `traffic:
  cors:
    origins: [https://policy.example]
    expose_headers: [X-From-Policy]
  max_concurrent: 100
timeouts:
  request: 5s
rate_limit:
  enabled: true
  limit: 50
headers:
  all:
    request:
      - set: {name: X-Env, value: prod}
`
	local := `listen: 127.0.0.1:5000
traffic:
  cors:
    origins: [https://local.example]
  max_concurrent:
rate_limit:
  limit: 7
`
	f, cfg, err := configureLocal(t, local, policy, "TRELLIS_TIMEOUTS__REQUEST=9s")
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := f.traffic()
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"cors.origins (the file's list replaces the policy's)", rules.cors.Origins, []string{"https://local.example"}},
		{"cors.expose_headers (the policy's, the file has none)", rules.cors.ExposeHeaders, []string{"X-From-Policy"}},
		{"max_concurrent (no value in the file: the policy's)", rules.shed.MaxConcurrent, 100},
		{"rate_limit.enabled (the policy's)", cfg.RateLimit.Enabled, true},
		{"rate_limit.limit (the file's)", cfg.RateLimit.Budgets.Limit, 7.0},
		{"timeouts.request (the environment's)", cfg.RequestTimeout, 9 * time.Second},
		{"headers (the policy's)", len(cfg.Headers.All.Request), 1},
		{"listen (the file's own)", f.Listen, "127.0.0.1:5000"},
	} {
		if !equalAny(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	// Without a policy: the file alone, as before.
	f, cfg, err = configureLocal(t, local, "")
	if err != nil {
		t.Fatal(err)
	}
	if rules, _ := f.traffic(); rules.cors.ExposeHeaders[0] != "RateLimit-Limit" || cfg.RateLimit.Enabled || cfg.RequestTimeout != 60*time.Second {
		t.Errorf("without a policy the file's defaults changed: %v %v %v", rules.cors.ExposeHeaders, cfg.RateLimit.Enabled, cfg.RequestTimeout)
	}
}

func equalAny(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, _ := b.([]string)
		return slices.Equal(as, bs)
	}
	return a == b
}

// TestPolicyRefusals: what is wrong in the policy is reported with its version and lines; what
// is wrong only with the file is reported naming both.
func TestPolicyRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, local, policy, want string
	}{
		{"a section that stays local", "", "traffic: {}\nlisten: 0.0.0.0:80\n",
			`registry policy v3:2:1: key "listen" is not traffic policy: it stays in each gateway's trellis.yaml`},
		{"auth", "", "auth:\n  jwks: [{file: keys.json}]\n", `registry policy v3:1:1: key "auth" is not traffic policy`},
		{"a Redis address", "", "rate_limit:\n  enabled: true\n  redis: {url: redis://x}\n",
			`registry policy v3:3:3: key "rate_limit.redis" cannot be in a policy: the Redis address is each gateway's`},
		{"API keys", "", "rate_limit:\n  api_keys: [k1]\n", `registry policy v3:2:3: key "rate_limit.api_keys" cannot be in a policy`},
		{"the zone", "", "resilience:\n  zone: eu-1\n", `registry policy v3:2:3: key "resilience.zone" cannot be in a policy`},
		{"an unknown key", "", "traffic:\n  cors:\n    origin: [https://a.example]\n", `registry policy v3:3:5: unknown key "traffic.cors.origin": did you mean "origins"?`},
		{"a value of the wrong type", "", "timeouts:\n  request: soon\n", `registry policy v3: line 2: cannot unmarshal !!str`},
		{"an invalid value", "", "traffic:\n  cors:\n    origins: [a.example]\n", `registry policy v3: cors.origins[0]: "a.example" is not an origin`},
		{"an invalid header rule", "", "headers:\n  all:\n    request:\n      - set: {name: X-A}\n", `registry policy v3:4:9: `},
		{"not a mapping", "", "- traffic\n", `registry policy v3:1:1: a policy is a mapping of sections`},
		{"not YAML", "", "traffic: [\n", `registry policy v3: yaml: line 1`},
		// An alias used as a key has its anchor's name as its text: key checks would read one
		// section (limits) while decoding sets another (introspection).
		{"an alias as a key", "", "headers:\n  all:\n    request:\n      - set: {name: X-B, value: &limits introspection}\n*limits : true\n",
			`registry policy v3:4:33: YAML anchors and aliases (&name, *name) cannot be used here`},
		{"a merge key", "", "traffic: {max_concurrent: 5}\ncost:\n  <<: {mode: enforce}\n",
			`registry policy v3:3:3: a key must be a plain name, not an alias or a merge key (<<)`},
		{"an alias key in the file", "traffic: {max_concurrent: &dev 5}\n*dev : true\n", "",
			`trellis.yaml:2:1: a key must be a plain name, not an alias or a merge key (<<)`},
		{"header rules times subgraph sections", "", manyHeaderSections(120, 100),
			`rules once each subgraph section has its copy of the rules for all`},
		{"valid alone, not with the file", "traffic:\n  cors:\n    origins: [\"*\"]\n", "traffic:\n  cors:\n    allow_credentials: true\n",
			`trellis.yaml with registry policy v3: cors.allow_credentials: browsers refuse credentials with origins "*"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := configureLocal(t, tc.local, tc.policy)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// manyHeaderSections is a small policy that compiles to many rules: every one of the
// sections subgraph sections gets its own copy of the rules rules for all.
func manyHeaderSections(rules, sections int) string {
	var b strings.Builder
	b.WriteString("headers:\n  all:\n    request:\n")
	for i := 0; i < rules; i++ {
		fmt.Fprintf(&b, "      - set: {name: X-%d, value: v}\n", i)
	}
	b.WriteString("  subgraphs:\n")
	for i := 0; i < sections; i++ {
		fmt.Fprintf(&b, "    s%d: {}\n", i)
	}
	return b.String()
}

// TestPolicyEmptyMappingPins: a mapping the file writes empty ({}) replaces the policy's, so
// an operator can pin "no per-subgraph header rules"; a mapping the file leaves out keeps
// the policy's.
func TestPolicyEmptyMappingPins(t *testing.T) {
	policy := "headers:\n  subgraphs:\n    reviews:\n      request:\n        - propagate: {named: Authorization}\n"
	_, cfg, err := configureLocal(t, "headers:\n  all:\n    request: [{propagate: {named: X-Tenant}}]\n  subgraphs: {}\n", policy)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Headers.Subgraphs["reviews"]; ok {
		t.Errorf("the file pinned headers.subgraphs: {} but the policy's rules for reviews apply")
	}
	_, cfg, err = configureLocal(t, "headers:\n  all:\n    request: [{propagate: {named: X-Tenant}}]\n", policy)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Headers.Subgraphs["reviews"]; !ok {
		t.Errorf("the file left headers.subgraphs out: the policy's rules for reviews must apply")
	}
	for _, local := range []string{"", "# nothing but a comment\n"} { // no file, an empty file: the policy whole
		if _, cfg, err = configureLocal(t, local, policy); err != nil || cfg.Headers.Subgraphs["reviews"].Request == nil {
			t.Errorf("local %q: the policy's rules for reviews must apply (%v)", local, err)
		}
	}
}

// TestValidatePolicy: the registry's validator takes a valid policy and names lines of an
// invalid one as "policy:LINE:COL".
func TestValidatePolicy(t *testing.T) {
	if err := validatePolicy("traffic:\n  cors: {origins: [https://a.example]}\nheaders:\n  all:\n    request: [{set: {name: X-Env, value: prod}}]\n"); err != nil {
		t.Fatalf("a valid policy: %v", err)
	}
	if err := validatePolicy("{}"); err != nil {
		t.Fatalf("the empty policy: %v", err)
	}
	err := validatePolicy("timeouts: {request: 1s}\ntelemetry: {log: {format: json}}\n")
	if err == nil || !strings.HasPrefix(err.Error(), `policy:2:1: key "telemetry" is not traffic policy`) {
		t.Fatalf("a policy with telemetry: %v", err)
	}
}

// TestMergeUnder: the merge itself, on nodes: order, repeated keys kept for Decode to refuse.
func TestMergeUnder(t *testing.T) {
	pol, err := loadPolicy("p", "traffic: {max_concurrent: 5}\ncost: {mode: measure}\n")
	if err != nil {
		t.Fatal(err)
	}
	_, err = loadConfig(writeTemp(t, t.TempDir(), "trellis.yaml", "cost: {mode: enforce}\ncost: {mode: off}\n"), nil, pol)
	if err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Fatalf("a key repeated in the file: %v, want Decode's refusal", err)
	}
	f, err := loadConfig(writeTemp(t, t.TempDir(), "trellis.yaml", "cost: {max_cost: 10}\n"), nil, pol)
	if err != nil || f.Cost.Mode == nil || *f.Cost.Mode != "measure" || *f.Cost.MaxCost != 10 || *f.Traffic.MaxConcurrent != 5 {
		t.Fatalf("merged: %+v, %v", f, err)
	}
}

// TestReloaderRebuildWith: a change whose gateway does not build is undone and the running
// gateway kept; before the first supergraph the change is kept unbuilt.
func TestReloaderRebuildWith(t *testing.T) {
	setting := "one"
	build := func(sg *supergraph.Supergraph) (http.Handler, *executor.Gateway, error) {
		if setting == "broken" {
			return nil, nil, errors.New("does not build")
		}
		body := setting
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }), nil, nil
	}
	set := func(v string) func() func() {
		return func() func() {
			old := setting
			setting = v
			return func() { setting = old }
		}
	}
	waiting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	r, err := newReloader("", slog.New(slog.DiscardHandler), time.Millisecond, nil, waiting, build)
	if err != nil {
		t.Fatal(err)
	}
	get := func() string {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql", nil))
		return rec.Body.String()
	}
	if err := r.rebuildWith("before", set("two")); err != nil || setting != "two" {
		t.Fatalf("before the first supergraph: %v, setting %q; want the change kept", err, setting)
	}
	if err := r.setSupergraph(&supergraph.Supergraph{}); err != nil || get() != "two" {
		t.Fatalf("the first supergraph was not built with the change: %v %q", err, get())
	}
	if err := r.rebuildWith("broken", set("broken")); err == nil || setting != "two" || get() != "two" {
		t.Fatalf("a change that does not build: %v, setting %q, serving %q; want it undone and two kept", err, setting, get())
	}
	if err := r.rebuildWith("three", set("three")); err != nil || get() != "three" {
		t.Fatalf("a change that builds: %v, serving %q", err, get())
	}
}
