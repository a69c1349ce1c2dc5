package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry/admin/admintest"
)

// cli runs trellis with args and returns the exit status, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeTemp(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSubgraphCommands runs every subgraph and registry command against a registry served in
// process (the stand-in composer of admintest: SDLs that parse compose).
func TestSubgraphCommands(t *testing.T) {
	s := admintest.Start(t)
	t.Setenv(envRegistryURL, s.URL)
	t.Setenv(envRegistryToken, admintest.AdminToken)
	dir := t.TempDir()
	v1 := writeTemp(t, dir, "products.graphql", "type Query { topProducts: [Product] }\ntype Product { upc: String! price: Int }\n")
	v2 := writeTemp(t, dir, "products-v2.graphql", "type Query { topProducts: [Product] }\ntype Product { upc: String! }\n")
	bad := writeTemp(t, dir, "broken.graphql", "type Query {\n  topProducts: [Product\n}\n")

	reviews := writeTemp(t, dir, "reviews.graphql", "type Review { id: ID! }\n")
	steps := []struct {
		name string
		args []string
		code int
		out  []string // each must be in stdout
	}{
		{"list, empty", []string{"subgraph", "list"}, 0, []string{"no subgraphs yet: publish one with `trellis subgraph publish`"}},
		{"publish", []string{"subgraph", "publish", "--name", "products", "--routing-url", "http://products.test/graphql", "--schema", v1}, 0,
			[]string{"published products v1: supergraph v1"}},
		{"publish another", []string{"subgraph", "publish", "--name", "reviews", "--routing-url", "http://reviews.test/graphql", "--schema", reviews}, 0,
			[]string{"published reviews v1: supergraph v2"}},
		{"publish the same again", []string{"subgraph", "publish", "--name", "products", "--schema", v1}, 0,
			[]string{"products v1 already has this schema and routing URL: nothing published"}},
		{"check a breaking change", []string{"subgraph", "check", "--name", "products", "--schema", v2}, 1,
			[]string{"BREAKING FIELD_REMOVED Product.price: field Product.price was removed: operations selecting it fail\n",
				"check failed: products would break clients (publish needs --allow-breaking)"}},
		{"check a schema that does not compose", []string{"subgraph", "check", "--name", "products", "--schema", bad}, 1,
			[]string{"[products] (" + bad + ":3:1) INVALID_GRAPHQL: Expected ], found }\n", "(1 composition error)"}},
		{"check a safe change", []string{"subgraph", "check", "--name", "products", "--schema", v1}, 0,
			[]string{"check passed: products composes; 0 changes, none breaking"}},
		{"publish a breaking change", []string{"subgraph", "publish", "--name", "products", "--schema", v2}, 1,
			[]string{"refused: the change breaks clients; nothing published (pass --allow-breaking", "BREAKING FIELD_REMOVED Product.price"}},
		{"publish one that does not compose", []string{"subgraph", "publish", "--name", "products", "--schema", bad}, 1,
			[]string{"composition failed: nothing published", "[products] (" + bad + ":3:1) INVALID_GRAPHQL"}},
		{"publish a breaking change, allowed", []string{"subgraph", "publish", "--name", "products", "--schema", v2, "--allow-breaking"}, 0,
			[]string{"published products v2: supergraph v3", "BREAKING FIELD_REMOVED Product.price"}},
		{"list", []string{"subgraph", "list"}, 0,
			[]string{"NAME      VERSION  ROUTING URL                   PUBLISHED", "products  2        http://products.test/graphql  ", "reviews   1        http://reviews.test/graphql   "}},
		{"versions", []string{"subgraph", "versions", "--name", "products"}, 0, []string{"products  2 ", "products  1 "}},
		{"history", []string{"subgraph", "history", "--name", "products"}, 0,
			[]string{"refused    -        v2          admin  1 breaking change", "failed     -        v2          admin  1 composition error: INVALID_GRAPHQL"}},
		{"roll back", []string{"subgraph", "rollback", "--name", "products", "--to", "1"}, 0,
			[]string{"published products v3: supergraph v4", "SAFE FIELD_ADDED Product.price"}},
		{"remove, breaking", []string{"subgraph", "remove", "--name", "products"}, 1, []string{"refused: the change breaks clients"}},
		{"remove", []string{"subgraph", "remove", "--name", "products", "--allow-breaking"}, 0, []string{"removed products: supergraph v5"}},
		{"remove the last", []string{"subgraph", "remove", "--name", "reviews", "--allow-breaking"}, 1, []string{"composition failed: nothing published", "NO_SUBGRAPHS"}},
		{"print the supergraph", []string{"registry", "supergraph"}, 0, []string{"# subgraph reviews at http://reviews.test/graphql\ntype Review"}},
	}
	for _, st := range steps {
		code, out, errOut := cli(t, st.args...)
		if code != st.code {
			t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", st.name, code, st.code, out, errOut)
		}
		for _, want := range st.out {
			if !strings.Contains(out, want) {
				t.Fatalf("%s: stdout lacks %q:\n%s\nstderr: %s", st.name, want, out, errOut)
			}
		}
	}
}

// TestSubgraphJSON: --json prints what scripts read, with the API's field names.
func TestSubgraphJSON(t *testing.T) {
	s := admintest.Start(t)
	dir := t.TempDir()
	sdl := "type Query { a: Int }\n"
	schema := writeTemp(t, dir, "a.graphql", sdl)
	flags := []string{"--registry", s.URL, "--token", admintest.AdminToken}
	if code, out, errOut := cli(t, append([]string{"subgraph", "publish", "--name", "a", "--routing-url", "http://a.test/graphql", "--schema", schema}, flags...)...); code != 0 {
		t.Fatalf("publish: %d %s %s", code, out, errOut)
	}
	code, out, _ := cli(t, append([]string{"subgraph", "list", "--json"}, flags...)...)
	var subs []subgraphJSON
	if err := json.Unmarshal([]byte(out), &subs); code != 0 || err != nil || len(subs) != 1 || subs[0].Name != "a" ||
		subs[0].RoutingURL != "http://a.test/graphql" || subs[0].SDL != sdl || subs[0].Version != 1 || subs[0].PublishedBy != "admin" {
		t.Fatalf("list --json: %d %v %s", code, err, out)
	}
	if !strings.Contains(out, `"routingUrl": "http://a.test/graphql"`) {
		t.Fatalf("list --json keys are not the API's: %s", out)
	}
	code, out, _ = cli(t, append([]string{"subgraph", "history", "--json"}, flags...)...)
	var pubs []publicationJSON
	if err := json.Unmarshal([]byte(out), &pubs); code != 0 || err != nil || len(pubs) != 1 || pubs[0].Status != "published" ||
		pubs[0].SupergraphVersion != 1 || pubs[0].Problems == nil {
		t.Fatalf("history --json: %d %v %s", code, err, out)
	}
}

// TestTokenCommands: the admin makes a team token, the team publishes its subgraph only, the
// admin revokes the token.
func TestTokenCommands(t *testing.T) {
	s := admintest.Start(t)
	t.Setenv(envRegistryURL, s.URL)
	schema := writeTemp(t, t.TempDir(), "a.graphql", "type Query { a: Int }\n")
	admin := []string{"--token", admintest.AdminToken}
	code, out, errOut := cli(t, append([]string{"registry", "token", "create", "--team", "catalog", "--subgraphs", "products, inventory"}, admin...)...)
	m := regexp.MustCompile(`^token (\S+) for team catalog, subgraphs inventory, products\n(\S+)\n$`).FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.Contains(errOut, "shown once") {
		t.Fatalf("token create: %d %q %q", code, out, errOut)
	}
	id, secret := m[1], m[2]
	team := []string{"--token", secret}
	if code, out, _ := cli(t, append([]string{"subgraph", "publish", "--name", "products", "--routing-url", "http://p.test/graphql", "--schema", schema}, team...)...); code != 0 {
		t.Fatalf("the team publishes its subgraph: %d %s", code, out)
	}
	code, out, errOut = cli(t, append([]string{"subgraph", "publish", "--name", "reviews", "--routing-url", "http://r.test/graphql", "--schema", schema}, team...)...)
	if code != 1 || !strings.Contains(errOut, `may not change subgraph "reviews"`) || !strings.Contains(errOut, "trellis registry token create") {
		t.Fatalf("the team publishes another subgraph: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := cli(t, append([]string{"registry", "token", "list"}, team...)...); code != 1 || !strings.Contains(errOut, "only the admin token") {
		t.Fatalf("the team lists tokens: %d %s", code, errOut)
	}
	code, out, _ = cli(t, append([]string{"registry", "token", "list"}, admin...)...)
	if code != 0 || !strings.Contains(out, id+"  catalog  inventory,products") || strings.Contains(out, secret) {
		t.Fatalf("token list: %d %s", code, out)
	}
	if code, out, _ := cli(t, append([]string{"registry", "token", "revoke", "--id", id}, admin...)...); code != 0 || out != "revoked token "+id+"\n" {
		t.Fatalf("token revoke: %d %s", code, out)
	}
	code, _, errOut = cli(t, append([]string{"subgraph", "list"}, team...)...)
	if code != 1 || !strings.Contains(errOut, "the token is not valid here") {
		t.Fatalf("a revoked token: %d %s", code, errOut)
	}
}

// TestRegistryCommandErrors: wrong command lines exit 2 and say what is wrong; a registry
// that does not answer exits 1 and says where it looked.
func TestRegistryCommandErrors(t *testing.T) {
	t.Setenv(envRegistryURL, "")
	t.Setenv(envRegistryToken, "")
	schema := writeTemp(t, t.TempDir(), "a.graphql", "type Query { a: Int }\n")
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"subgraph"}, 2, "trellis subgraph publish"},
		{[]string{"subgraph", "fly"}, 2, `unknown command "fly"`},
		{[]string{"subgraph", "publish", "--schema", schema, "--token", "x"}, 2, "--name is required"},
		{[]string{"subgraph", "publish", "--name", "a", "--token", "x"}, 2, "--schema is required"},
		{[]string{"subgraph", "publish", "--name", "a", "--schema", schema}, 2, "no token: pass --token or set TRELLIS_REGISTRY_TOKEN"},
		{[]string{"subgraph", "list", "--token", "x", "--registry", "127.0.0.1:4000"}, 2, `--registry "127.0.0.1:4000" is not a URL`},
		{[]string{"subgraph", "list", "--token", "x", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"subgraph", "list", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"subgraph", "rollback", "--name", "a", "--token", "x"}, 2, "--to VERSION is required"},
		{[]string{"subgraph", "publish", "--name", "a", "--schema", "/nonexistent.graphql", "--token", "x"}, 1, "--schema: open /nonexistent.graphql"},
		{[]string{"subgraph", "list", "--token", "x", "--registry", "http://127.0.0.1:1"}, 1, "registry at http://127.0.0.1:1 is not reachable"},
		{[]string{"registry"}, 2, "trellis registry token create"},
		{[]string{"registry", "token", "mint"}, 2, `unknown command "token mint"`},
		{[]string{"registry", "token", "create", "--team", "t", "--token", "x"}, 2, "--subgraphs is required"},
	} {
		code, _, errOut := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.err) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.err)
		}
	}
}
