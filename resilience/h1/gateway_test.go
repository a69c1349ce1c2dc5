package h1_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

const oneSubgraph = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  ACCOUNTS @join__graph(name: "accounts", url: "ACCOUNTS_URL")
}
type Query @join__type(graph: ACCOUNTS) {
  me(token: String!): String @join__field(graph: ACCOUNTS)
}
`

// TestGatewayDeliversOneRequestsAnswerToAnother: through the gateway's default client
// (executor.NewHTTPClient, h1). The accounts subgraph answers each request with the token
// it was asked about, but answers the first one twice, the duplicate in a second write a
// moment later (a buggy subgraph or proxy). From then on every answer on that kept
// connection is one request late: the second client, asking about "bob", is told "alice",
// another caller's data. With net/http the duplicate arrives on an idle connection, which
// is closed, and every client gets its own answer.
func TestGatewayDeliversOneRequestsAnswerToAnother(t *testing.T) {
	for _, tc := range []struct {
		name   string
		client executor.Doer
	}{
		{"default client (h1)", nil},
		{"net/http", &http.Client{Transport: &http.Transport{}}},
	} {
		t.Run(tc.name, func(t *testing.T) { deliveredToAnother(t, tc.client) })
	}
}

func deliveredToAnother(t *testing.T, client executor.Doer) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for first := true; ; first = false {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func(c net.Conn, duplicate bool) {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					var in struct {
						Variables map[string]any `json:"variables"`
						Query     string         `json:"query"`
					}
					raw, _ := io.ReadAll(req.Body)
					json.Unmarshal(raw, &in)
					token := tokenOf(in.Query, in.Variables)
					body := fmt.Sprintf(`{"data":{"me":%q}}`, token)
					answer := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
					io.WriteString(c, answer)
					if duplicate {
						duplicate = false
						time.Sleep(20 * time.Millisecond)
						io.WriteString(c, answer)
					}
				}
			}(c, first)
		}
	}()
	sg, err := supergraph.Load("one.graphql", strings.Replace(oneSubgraph, "ACCOUNTS_URL", "http://"+ln.Addr().String(), 1))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := executor.New(executor.DefaultConfig(), sg, client, nil) // nil: the default client, h1
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	ask := func(token string) string {
		raw, _ := json.Marshal(map[string]any{"query": fmt.Sprintf(`{ me(token: %q) }`, token)})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, req)
		return rec.Body.String()
	}
	if got := ask("alice"); got != `{"data":{"me":"alice"}}` {
		t.Fatalf("alice: %s", got)
	}
	time.Sleep(60 * time.Millisecond) // ordering only: the duplicate has arrived
	if got := ask("bob"); got != `{"data":{"me":"bob"}}` {
		t.Fatalf("bob was answered %s", got)
	}
}

// tokenOf finds the token argument in the subgraph operation (inline or as a variable).
func tokenOf(query string, vars map[string]any) string {
	for _, v := range vars {
		if s, ok := v.(string); ok {
			return s
		}
	}
	if i := strings.Index(query, `token:`); i >= 0 {
		rest := strings.TrimSpace(query[i+len("token:"):])
		if j := strings.IndexByte(rest[1:], '"'); j >= 0 && rest[0] == '"' {
			return rest[1 : j+1]
		}
	}
	return "?"
}
