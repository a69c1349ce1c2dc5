package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// counting answers with its call number, so a memoized answer is told apart
// from a fresh one; a body "fail" gets a 500.
type counting struct{ calls atomic.Int64 }

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := c.calls.Add(1)
	buf := make([]byte, 64)
	k, _ := r.Body.Read(buf)
	if string(buf[:k]) == "fail" {
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/graphql-response+json")
	fmt.Fprintf(w, `{"call":%d,"body":%q}`, n, buf[:k])
}

func do(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, strings.NewReader(body)))
	return rec
}

func TestMemo(t *testing.T) {
	type req struct{ method, target, body string }
	a := req{"POST", "/graphql", "a"}
	cases := []struct {
		name      string
		max       int
		reqs      []req
		wantCalls int64
		wantLast  string
		wantCode  int
		wantKept  int
	}{
		{"repeats are answered from memory", 10, []req{a, a, a}, 1, `{"call":1,"body":"a"}`, 200, 1},
		{"bodies differ", 10, []req{a, {"POST", "/graphql", "b"}}, 2, `{"call":2,"body":"b"}`, 200, 2},
		{"paths differ", 10, []req{a, {"POST", "/", "a"}}, 2, `{"call":2,"body":"a"}`, 200, 2},
		{"query strings differ", 10, []req{a, {"POST", "/graphql?x=1", "a"}}, 2, `{"call":2,"body":"a"}`, 200, 2},
		{"methods differ", 10, []req{a, {"PUT", "/graphql", "a"}}, 2, `{"call":2,"body":"a"}`, 200, 2},
		{"errors are not kept", 10, []req{{"POST", "/graphql", "fail"}, {"POST", "/graphql", "fail"}}, 2, "boom\n", 500, 0},
		{"full memo passes through", 1, []req{a, {"POST", "/graphql", "b"}, {"POST", "/graphql", "b"}}, 3, `{"call":3,"body":"b"}`, 200, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := &counting{}
			m := Memoize(next, c.max)
			var last *httptest.ResponseRecorder
			for _, r := range c.reqs {
				last = do(m, r.method, r.target, r.body)
			}
			if got := next.calls.Load(); got != c.wantCalls {
				t.Errorf("subgraph ran %d times, want %d", got, c.wantCalls)
			}
			if last.Code != c.wantCode || last.Body.String() != c.wantLast {
				t.Errorf("last answer %d %q, want %d %q", last.Code, last.Body, c.wantCode, c.wantLast)
			}
			if h := last.Header(); c.wantCode == 200 && (h.Get("Content-Type") != "application/graphql-response+json" || h.Get("Content-Length") != fmt.Sprint(len(c.wantLast))) {
				t.Errorf("headers %v, want the content type kept and the length set", h)
			}
			rep := m.Report()
			if rep.Requests != int64(len(c.reqs)) || len(rep.Entries) != c.wantKept {
				t.Errorf("report counts %d requests and %d entries, want %d and %d", rep.Requests, len(rep.Entries), len(c.reqs), c.wantKept)
			}
		})
	}
}

func TestMemoReport(t *testing.T) {
	m := Memoize(&counting{}, 10)
	for _, body := range []string{"b", "a", "b", "fail", "b"} {
		do(m, "POST", "/graphql", body)
	}
	rec := httptest.NewRecorder()
	m.ServeReport(rec, httptest.NewRequest("GET", "/memoized", nil))
	var got MemoReport
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := MemoReport{Requests: 5, Entries: []MemoEntry{
		{"POST", "/graphql", "a", 1},
		{"POST", "/graphql", "b", 3},
	}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("report %+v, want %+v", got, want)
	}
}

func TestMemoConcurrent(t *testing.T) {
	m := Memoize(&counting{}, 10)
	var wg sync.WaitGroup
	answers := make([]string, 50)
	for i := range answers {
		wg.Go(func() { answers[i] = do(m, "POST", "/graphql", "a").Body.String() })
	}
	wg.Wait()
	kept := do(m, "POST", "/graphql", "a").Body.String()
	for i, a := range answers {
		// Requests racing the first one run the subgraph too, but all answer what was kept.
		if a != kept {
			t.Errorf("answer %d = %s, want the memoized %s", i, a, kept)
		}
	}
	if rep := m.Report(); len(rep.Entries) != 1 || rep.Entries[0].Requests != 51 || rep.Requests != 51 {
		t.Errorf("report %+v after 51 identical requests", rep)
	}
}
