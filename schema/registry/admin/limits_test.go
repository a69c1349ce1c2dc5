package admin_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/trellis-gql/trellis/schema/registry/admin/admintest"
)

// introspection is the query GraphiQL sends.
const introspection = `query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
 types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue }
 type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef }
 enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType {
 kind name ofType { kind name ofType { kind name } } } } } } } }`

// TestHeavyFieldsOnce: an operation may not ask for a large answer several times over
// (aliases, fragments, nested fields), nor be too complex; such requests are refused before
// anything runs, with a short answer. Introspection and combined reads still work.
func TestHeavyFieldsOnce(t *testing.T) {
	s := admintest.Start(t)
	root := admin.NewClient(s.URL, admintest.AdminToken, nil)
	var sdl strings.Builder
	sdl.WriteString("type Query { a: Int }\n")
	for i := 0; sdl.Len() < 100<<10; i++ {
		fmt.Fprintf(&sdl, "type T%d { f: Int g: String }\n", i)
	}
	mustPublish(t, root, registry.Input{Name: "a", RoutingURL: "http://a.test/graphql", SDL: sdl.String()}, false)
	_, reader, err := root.CreateToken(ctx, "gateways", nil)
	if err != nil {
		t.Fatal(err)
	}
	aliases := func(n int, field string) string {
		var q strings.Builder
		for i := range n {
			fmt.Fprintf(&q, " a%d: %s", i, field)
		}
		return q.String()
	}
	for _, tc := range []struct{ name, query, want string }{
		{"300 aliases of a root field", "{" + aliases(300, "supergraph { sdl }") + " }", `"supergraph" more than once`},
		{"two aliases", "{ supergraph { sdl } again: supergraph { sdl } }", `"supergraph" more than once`},
		{"history twice", "{ history { id } h: history(limit: 1000) { id } }", `"history" more than once`},
		{"fragments", "{ ...A ...B } fragment A on Query { a: supergraphAfter(version: 0, timeoutSeconds: 0) { sdl } } fragment B on Query { b: supergraphAfter(version: 0) { sdl } }",
			`"supergraphAfter" more than once`},
		{"inline fragments", "{ ... on Query { s: subgraphs { name } } subgraphs { sdl } }", `"subgraphs" more than once`},
		{"nested aliases", "{ subgraphs { a: sdl b: sdl } }", `"sdl" more than once`},
		{"nested, merged", "{ supergraph { a: sdl } supergraph { b: sdl } }", `"sdl" more than once`},
		{"policy", "{ policy { document } p: policyVersions { document } q: policyVersions { version } }", `"policyVersions" more than once`},
		{"complexity", "{" + aliases(2000, "whoami { team }") + " }", "complexity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"query": tc.query})
			status, answer := post(t, s.URL, "Bearer "+reader, string(body))
			var got struct {
				Data   json.RawMessage
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.Unmarshal([]byte(answer), &got); err != nil || len(answer) > 1000 || string(got.Data) != "null" ||
				len(got.Errors) != 1 || !strings.Contains(got.Errors[0].Message, tc.want) {
				t.Fatalf("%d %.300s; want a short refusal saying %s", status, answer, tc.want)
			}
			if code := got.Errors[0].Extensions.Code; code != "BAD_USER_INPUT" && !strings.Contains(tc.want, "complexity") {
				t.Fatalf("code %s; want BAD_USER_INPUT", code)
			}
		})
	}
	for _, ok := range []string{
		introspection,
		"{ whoami { team } supergraph { version sdl } history { id } subgraphs { name sdl } policy { version } tokens { id } }",
		"{ supergraph { ...G } ...Q } fragment G on Supergraph { sdl } fragment Q on Query { supergraph { version sdl } }",
	} {
		body, _ := json.Marshal(map[string]string{"query": ok})
		if status, answer := post(t, s.URL, "Bearer "+admintest.AdminToken, string(body)); status != http.StatusOK || strings.Contains(answer, `"errors"`) {
			t.Errorf("%.80s...: %d %.300s", ok, status, answer)
		}
	}
}
