package subgraphtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// queryCase is one request and the exact response it must get.
type queryCase struct {
	name      string
	query     string
	operation string
	variables string // JSON object, or ""
	want      string // JSON, compared after compacting
}

func mustNew(t *testing.T, sdl, data string) *Subgraph {
	t.Helper()
	s, err := New("test", sdl, []byte(data))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func runCases(t *testing.T, s *Subgraph, cases []queryCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := post(t, s, c.query, c.operation, c.variables)
			if want := compact(t, c.want); got != want {
				t.Errorf("response\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

// post sends a GraphQL request and returns the response body, failing the
// test unless the status is 200.
func post(t *testing.T, h http.Handler, query, operation, variables string) string {
	t.Helper()
	body := map[string]any{"query": query}
	if operation != "" {
		body["operationName"] = operation
	}
	if variables != "" {
		body["variables"] = json.RawMessage(variables)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw)))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	return strings.TrimSpace(rec.Body.String())
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("bad JSON in test: %v\n%s", err, s)
	}
	return b.String()
}
