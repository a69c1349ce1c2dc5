package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/headers"
)

// TestHeadersConfig: the headers section maps onto headers.Config rule by rule.
func TestHeadersConfig(t *testing.T) {
	path := writeFile(t, t.TempDir(), "trellis.yaml", `
headers:
  all:
    request:
      - propagate: { named: Authorization }
      - propagate: { named: X-Request-Id, rename: X-Correlation-Id, default: none }
      - propagate: { matching: "^x-tenant-" }
      - set: { name: X-Gateway, value: trellis }
      - remove: { named: X-Internal }
      - remove: { matching: "^x-debug-" }
    response:
      - propagate: { named: Cache-Control }
      - propagate: { matching: "^x-rate-", algorithm: append }
  subgraphs:
    products:
      request:
        - set: { name: X-Api-Key, value: "k" }
`)
	cfg := executor.DefaultConfig()
	if _, err := configure(path, nil, &cfg); err != nil {
		t.Fatal(err)
	}
	want := headers.Config{
		All: headers.Section{
			Request: []headers.RequestRule{
				{Propagate: &headers.Propagate{Named: "Authorization"}},
				{Propagate: &headers.Propagate{Named: "X-Request-Id", Rename: "X-Correlation-Id", Default: "none"}},
				{Propagate: &headers.Propagate{Matching: "^x-tenant-"}},
				{Set: &headers.Set{Name: "X-Gateway", Value: "trellis"}},
				{Remove: &headers.Remove{Named: "X-Internal"}},
				{Remove: &headers.Remove{Matching: "^x-debug-"}},
			},
			Response: []headers.ResponseRule{
				{Propagate: &headers.ResponsePropagate{Named: "Cache-Control"}},
				{Propagate: &headers.ResponsePropagate{Matching: "^x-rate-", Algorithm: headers.Append}},
			},
		},
		Subgraphs: map[string]headers.Section{"products": {Request: []headers.RequestRule{{Set: &headers.Set{Name: "X-Api-Key", Value: "k"}}}}},
	}
	if !reflect.DeepEqual(cfg.Headers, want) {
		t.Errorf("headers config\n got %#v\nwant %#v", cfg.Headers, want)
	}
	empty := executor.DefaultConfig()
	if _, err := configure(writeFile(t, t.TempDir(), "trellis.yaml", "dev: true\n"), nil, &empty); err != nil || !reflect.DeepEqual(empty.Headers, headers.Config{}) {
		t.Errorf("no headers section: %#v, %v", empty.Headers, err)
	}
}

// TestHeadersConfigErrors: an invalid rule is refused with the file, the rule's line and
// its key path.
func TestHeadersConfigErrors(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"invalid regex", "headers:\n  all:\n    request:\n      - propagate: { named: A }\n      - set: { name: B, value: b }\n      - propagate: { matching: \"^x-(\" }\n",
			"trellis.yaml:6:9: headers.all.request[2].propagate.matching: invalid regex \"^x-(\": missing closing ): `^x-(`"},
		{"hop-by-hop header", "headers:\n  all:\n    request:\n      - propagate:\n          named: Connection\n",
			"trellis.yaml:4:9: headers.all.request[0].propagate.named: Connection is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"in a subgraph", "headers:\n  subgraphs:\n    products:\n      response:\n        - propagate: { named: X-A, algorithm: merge }\n",
			"trellis.yaml:5:11: headers.subgraphs.products.response[0].propagate.algorithm: \"merge\" is not first_write, last_write or append"},
		{"two kinds in one rule", "headers:\n  all:\n    request:\n      - set: { name: X-A, value: a }\n        remove: { named: X-B }\n",
			"trellis.yaml:4:9: headers.all.request[0]: give exactly one of propagate, set or remove (got 2)"},
		{"claim without auth", "headers:\n  all:\n    request:\n      - set: { name: X-User, claim: sub }\n",
			"trellis.yaml:4:9: headers.all.request[0].set.claim: reading a claim needs authentication: configure auth.jwks, or set a value instead"},
		{"unknown key in a rule", "headers:\n  all:\n    request:\n      - propagate: { nmed: A }\n",
			`trellis.yaml:4:22: unknown key "headers.all.request[0].propagate.nmed": did you mean "named"?`},
		{"unknown rule kind", "headers:\n  all:\n    request:\n      - insert: { name: A, value: b }\n",
			`trellis.yaml:4:9: unknown key "headers.all.request[0].insert" (known keys here: propagate, remove, set)`},
		{"response with request keys", "headers:\n  all:\n    response:\n      - propagate: { named: A, rename: B }\n",
			`trellis.yaml:4:32: unknown key "headers.all.response[0].propagate.rename" (known keys here: algorithm, matching, named)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "trellis.yaml", c.body)
			cfg := executor.DefaultConfig()
			_, err := configure(path, nil, &cfg)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := strings.TrimPrefix(err.Error(), strings.TrimSuffix(path, "trellis.yaml")); got != c.want {
				t.Errorf("error\n got %s\nwant %s", got, c.want)
			}
		})
	}
}
