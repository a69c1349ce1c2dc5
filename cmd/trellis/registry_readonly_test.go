package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry/admin/admintest"
)

// TestReadOnlyTokenCommands: `token create --read-only` (or an empty --subgraphs) makes a token
// that reads and checks but publishes nothing; without either flag the command says to give one.
func TestReadOnlyTokenCommands(t *testing.T) {
	s := admintest.Start(t)
	t.Setenv(envRegistryURL, s.URL)
	schema := writeTemp(t, t.TempDir(), "a.graphql", "type Query { a: Int }\n")
	admin := []string{"--token", admintest.AdminToken}
	if code, out, errOut := cli(t, append([]string{"subgraph", "publish", "--name", "a", "--routing-url", "http://a.test/graphql", "--schema", schema}, admin...)...); code != 0 {
		t.Fatalf("admin publish: %d %s %s", code, out, errOut)
	}
	for _, flags := range [][]string{{"--read-only"}, {"--subgraphs", ""}} {
		code, out, errOut := cli(t, append(append([]string{"registry", "token", "create", "--team", "gateways"}, flags...), admin...)...)
		m := regexp.MustCompile(`^token (\S+) for team gateways, read-only\n(\S+)\n$`).FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("token create %v: %d %q %q", flags, code, out, errOut)
		}
		reader := []string{"--token", m[2]}
		if code, out, errOut := cli(t, append([]string{"registry", "supergraph"}, reader...)...); code != 0 || !strings.Contains(out, "a: Int") {
			t.Fatalf("a read-only token reads the supergraph: %d %s %s", code, out, errOut)
		}
		code, _, errOut = cli(t, append([]string{"subgraph", "publish", "--name", "a", "--schema", schema, "--routing-url", "http://evil.test/graphql"}, reader...)...)
		if code != 1 || !strings.Contains(errOut, "read-only") {
			t.Fatalf("a read-only token publishes: %d %s", code, errOut)
		}
	}
	code, out, _ := cli(t, append([]string{"registry", "token", "list", "--json"}, admin...)...)
	var list []tokenJSON
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 3 || list[1].Subgraphs == nil || len(list[1].Subgraphs) != 0 {
		t.Fatalf("token list --json: %d %s", code, out)
	}
	if code, out, _ := cli(t, append([]string{"registry", "token", "list"}, admin...)...); code != 0 || strings.Count(out, "gateways  (read-only)") != 2 {
		t.Fatalf("token list: %d %s", code, out)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--team", "gateways"}, "--subgraphs is required, or --read-only"},
		{[]string{"--team", "gateways", "--read-only", "--subgraphs", "a"}, "--read-only with --subgraphs"},
	} {
		code, _, errOut := cli(t, append(append([]string{"registry", "token", "create"}, bad.args...), admin...)...)
		if code != 2 || !strings.Contains(errOut, bad.want) {
			t.Errorf("token create %v: %d %s; want 2 and %q", bad.args, code, errOut, bad.want)
		}
	}
}
