package executor_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// doerFunc answers subgraph requests in memory.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func reply(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, ContentLength: -1, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}}
}

func fuzzGateway(t testing.TB, doer executor.Doer) *executor.Gateway {
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	cfg.Dev = true
	gw, err := executor.New(cfg, sg, doer, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	return gw
}

func checkResponse(t *testing.T, rec *httptest.ResponseRecorder) {
	switch rec.Code {
	case 200, 400, 405, 406, 413, 415:
	default:
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("response is not JSON: %q", rec.Body)
	}
}

// FuzzRequest sends arbitrary request bodies through the whole request path; subgraphs
// answer with a fixed, valid response.
func FuzzRequest(f *testing.F) {
	f.Add(`{"query":"{ topProducts { name } }"}`)
	f.Add(`{"query":` + jsonString(examples.BenchmarkQuery) + `}`)
	f.Add(`{"query":"query($f: Int) { topProducts(first: $f) { upc reviews { body } } }","variables":{"f":2}}`)
	f.Add(`{"query":"{ __schema { types { name } } }"}`)
	f.Add(`{"query":"fragment A on User { ...A } { me { ...A } }"}`)
	f.Add(`{"query":"{ me { ... on User @skip(if: true) { id } name } }"}`)
	f.Add(`[{"query":"{ me { id } }"}]`)
	gw := fuzzGateway(f, doerFunc(func(r *http.Request) (*http.Response, error) {
		return reply(200, `{"data":{"topProducts":[{"__typename":"Product","upc":"1","name":"T"}],"me":null}}`), nil
	}))
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, req)
		checkResponse(t, rec)
	})
}

// FuzzMerge answers every subgraph request with the fuzzed body: whatever subgraphs send,
// the merge and projection produce valid JSON and never panic.
func FuzzMerge(f *testing.F) {
	f.Add(`{"data":{"users":[{"__typename":"User","id":"1","username":"a","name":"A"}],"topProducts":[{"__typename":"Product","upc":"1","name":"T","price":1,"weight":2}]}}`)
	f.Add(`{"data":{"_entities":[{"__typename":"User","reviews":[{"id":"1","body":"b","product":{"__typename":"Product","upc":"1"}}]},null]}}`)
	f.Add(`{"data":{"_entities":[{"inStock":true,"shippingEstimate":3}]},"errors":[{"message":"x","path":["_entities",0,"inStock"]}]}`)
	f.Add(`{"data":null,"errors":[{"message":"down"}]}`)
	f.Add(`{"data":{"users":"not a list","_entities":{}}}`)
	f.Add(`<html>502</html>`)
	f.Fuzz(func(t *testing.T, body string) {
		gw := fuzzGateway(t, doerFunc(func(r *http.Request) (*http.Response, error) {
			return reply(200, body), nil
		}))
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":`+jsonString(examples.BenchmarkQuery)+`}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, req)
		checkResponse(t, rec)
		if rec.Code != 200 || !bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"data":`)) {
			t.Fatalf("a subgraph's answer must never fail the request: %d %s", rec.Code, rec.Body)
		}
	})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
