package executor_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestManyRootFields: a client query of 60 aliased root fields of one subgraph. The
// root fetch merges 60 members into the empty data object.
func TestManyRootFields(t *testing.T) {
	const n = 60
	var q, data, want strings.Builder
	q.WriteString("{")
	for i := range n {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&q, " a%d: me { id }", i)
		fmt.Fprintf(&data, `%s"a%d":{"id":"1"}`, sep, i)
		fmt.Fprintf(&want, `%s"a%d":{"id":"1"}`, sep, i)
	}
	q.WriteString(" }")
	gw := fuzzGateway(t, doerFunc(func(r *http.Request) (*http.Response, error) {
		return reply(200, `{"data":{`+data.String()+`}}`), nil
	}))
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":`+jsonString(q.String())+`}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("request panicked: %v", r)
			}
		}()
		gw.ServeHTTP(rec, req)
	}()
	if got := rec.Body.String(); rec.Code != 200 || got != `{"data":{`+want.String()+`}}` {
		t.Fatalf("status %d: %s", rec.Code, got)
	}
}

// TestManyRootFieldsInParallel: the same 60 root fields next to a field of another
// subgraph, so that the root fetches run in parallel, one on a goroutine of its own: a panic
// there is recovered by nobody and ends the gateway's process. The request runs in a child
// process, which must exit cleanly.
func TestManyRootFieldsInParallel(t *testing.T) {
	if os.Getenv("REVIEW_CHILD") == "1" {
		var q, data strings.Builder
		q.WriteString("{")
		for i := range 60 {
			fmt.Fprintf(&q, " a%d: me { id }", i)
			fmt.Fprintf(&data, `,"a%d":{"id":"1"}`, i)
		}
		q.WriteString(" topProducts { name } }")
		gw := fuzzGateway(t, doerFunc(func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			if strings.Contains(string(body), "topProducts") {
				time.Sleep(20 * time.Millisecond) // so that the accounts fetch merges first
				return reply(200, `{"data":{"topProducts":[]}}`), nil
			}
			return reply(200, `{"data":{"__typename":"Query"`+data.String()+`}}`), nil
		}))
		for range 4 { // either fetch may be the one on a goroutine; a panic on this one is recovered
			func() {
				defer func() { recover() }()
				req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":`+jsonString(q.String())+`}`))
				req.Header.Set("Content-Type", "application/json")
				gw.ServeHTTP(httptest.NewRecorder(), req)
			}()
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestManyRootFieldsInParallel$", "-test.count=1")
	cmd.Env = append(os.Environ(), "REVIEW_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		first, _, _ := strings.Cut(string(out), "\n\n")
		t.Fatalf("the gateway process died: %v\n%s", err, first)
	}
}
