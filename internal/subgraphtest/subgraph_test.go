package subgraphtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestHTTPErrors(t *testing.T) {
	s := mustNew(t, shopSDL, shopData)
	cases := []struct {
		name, method, body string
		status             int
		want               string
	}{
		{"GET", http.MethodGet, "", http.StatusMethodNotAllowed, `{"errors":[{"message":"subgraphtest accepts only POST"}]}`},
		{"not JSON", http.MethodPost, "query { count }", http.StatusBadRequest,
			`{"errors":[{"message":"decode request: invalid character 'q' looking for beginning of value"}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(c.method, "/", strings.NewReader(c.body)))
			if rec.Code != c.status || rec.Body.String() != c.want {
				t.Errorf("got %d %s, want %d %s", rec.Code, rec.Body, c.status, c.want)
			}
		})
	}
	if got := s.Requests(); len(got) != 0 {
		t.Errorf("recorded %v", got)
	}
}

func TestRequests(t *testing.T) {
	s := mustNew(t, shopSDL, shopData)
	post(t, s, `{ count }`, "", "")
	post(t, s, `{ nope }`, "", "")
	post(t, s, `mutation Add($upc: String!) { clearCart addReview(upc: $upc, body: "Great") { id } }`, "Add",
		`{"upc": "1", "n": 1.50}`)
	want := []Request{
		{Query: `{ count }`},
		{Query: `{ nope }`},
		{
			Query:         `mutation Add($upc: String!) { clearCart addReview(upc: $upc, body: "Great") { id } }`,
			OperationName: "Add",
			Variables:     map[string]any{"upc": "1", "n": json.Number("1.50")},
		},
	}
	if got := s.Requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("Requests()\n got: %#v\nwant: %#v", got, want)
	}
	s.Reset()
	if got := s.Requests(); len(got) != 0 {
		t.Errorf("after Reset: %v", got)
	}
	post(t, s, `{ count }`, "", "")
	if got := s.Requests(); len(got) != 1 || got[0].Query != `{ count }` {
		t.Errorf("after Reset and a request: %v", got)
	}
}

func TestConcurrentRequests(t *testing.T) {
	s := mustNew(t, shopSDL, shopData)
	srv := httptest.NewServer(s)
	defer srv.Close()
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"query": "query($n: Int) { topProducts(first: $n) { upc } }", "variables": {"n": %d}}`, i%2)
			resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			want := `{"data":{"topProducts":[{"upc":"1"},{"upc":"2"}]}}`
			if i%2 == 1 {
				want = `{"data":{"topProducts":[{"upc":"1"}]}}`
			}
			if string(got) != want {
				errs <- fmt.Errorf("request %d: %s", i, got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(s.Requests()); got != n {
		t.Errorf("recorded %d requests, want %d", got, n)
	}
}
