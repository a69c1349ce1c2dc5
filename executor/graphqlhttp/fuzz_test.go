package graphqlhttp_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

// FuzzParse checks that Parse never panics, returns exactly one of a request and an *Error
// with a 4xx status, and accepts an uncompressed POST body only if it is a JSON object whose
// query and operationName are what Parse reports.
func FuzzParse(f *testing.F) {
	const limit = 4096
	seeds := []struct {
		method, rawQuery, contentType, encoding string
		body                                    []byte
	}{
		{"POST", "", "application/json", "", []byte(`{"query":"{a}"}`)},
		{"POST", "", "application/json; charset=utf-8", "", []byte(`{"query":"query Q($n:Int){a(n:$n)}","operationName":"Q","variables":{"n":1.5e3},"extensions":{"x":[1,null]}}`)},
		{"POST", "", "application/json", "", []byte(`{"query":"{a}","variables":null,"operationName":null,"extensions":null,"other":{}}`)},
		{"POST", "", "application/json", "", []byte(`[{"query":"{a}"}]`)},
		{"POST", "", "application/json", "", []byte(`{"query":"{a}"} x`)},
		{"POST", "", "application/json", "", []byte(`{"query":"{a}","query":"{b}"}`)},
		{"POST", "", "application/json", "", []byte(`{"query":1,"variables":[7]}`)},
		{"POST", "", "application/json", "", []byte(`{"query":"\ud800","operationName":"\u00e9"}`)},
		{"POST", "", "application/json", "", []byte(`{"query":`)},
		{"POST", "", "application/json", "", []byte("NONSENSE")},
		{"POST", "", "application/json", "", nil},
		{"POST", "", "text/plain", "", []byte(`{"query":"{a}"}`)},
		{"POST", "", "", "", []byte(`{"query":"{a}"}`)},
		{"POST", "", "application/json", "gzip", gzipped(f, `{"query":"{a}"}`)},
		{"POST", "", "application/json", "deflate", zlibbed(f, `{"query":"{a}","variables":{}}`)},
		{"POST", "", "application/json", "gzip", []byte(`{"query":"{a}"}`)},
		{"POST", "", "application/json", "br", []byte(`{"query":"{a}"}`)},
		{"POST", "", "application/json", "", bytes.Repeat([]byte(" "), limit+1)},
		{"GET", "query=%7Ba%7D&variables=%7B%22n%22%3A1%7D&operationName=Q&extensions=%7B%7D", "", "", nil},
		{"GET", "query=%7Ba%7D&query=%7Bb%7D", "", "", nil},
		{"GET", "query=%zz;x", "", "", nil},
		{"GET", "variables=%5B%5D", "", "", nil},
		{"PUT", "", "application/json", "", []byte(`{"query":"{a}"}`)},
	}
	for _, s := range seeds {
		f.Add(s.method, s.rawQuery, s.contentType, s.encoding, s.body)
	}
	f.Fuzz(func(t *testing.T, method, rawQuery, contentType, encoding string, body []byte) {
		r := &http.Request{
			Method:        method,
			URL:           &url.URL{Path: "/graphql", RawQuery: rawQuery},
			Header:        http.Header{},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
		}
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		if encoding != "" {
			r.Header.Set("Content-Encoding", encoding)
		}
		req, err := graphqlhttp.Parse(r, graphqlhttp.Config{MaxBodyBytes: limit})
		if err != nil {
			var e *graphqlhttp.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if req != nil {
				t.Fatalf("both a request and an error: %+v, %v", req, err)
			}
			switch e.Status {
			case 400, 413, 415:
			case 405:
				if e.Allow != "GET, POST" {
					t.Fatalf("405 with Allow %q", e.Allow)
				}
			default:
				t.Fatalf("status %d for %v", e.Status, err)
			}
			if e.Message == "" || (e.Status != 405 && e.Allow != "") {
				t.Fatalf("malformed error %#v", *e)
			}
			return
		}
		if req == nil {
			t.Fatal("no request and no error")
		}
		if req.Method != method || (method != http.MethodGet && method != http.MethodPost) {
			t.Fatalf("Method %q for a %q request", req.Method, method)
		}
		if method == http.MethodPost && encoding == "" {
			checkAgainstUnmarshal(t, body, req)
		}
	})
}

// checkAgainstUnmarshal compares an accepted body with what encoding/json makes of it.
func checkAgainstUnmarshal(t *testing.T, body []byte, req *graphqlhttp.Request) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("accepted a body json.Unmarshal refuses: %v", err)
	}
	var query string
	if err := json.Unmarshal(m["query"], &query); err != nil || query != req.Query {
		t.Fatalf("query %q; json.Unmarshal says %q (%v)", req.Query, query, err)
	}
	var name *string
	if raw, ok := m["operationName"]; ok {
		if err := json.Unmarshal(raw, &name); err != nil {
			t.Fatalf("accepted operationName %s: %v", raw, err)
		}
	}
	if (name == nil && req.OperationName != "") || (name != nil && *name != req.OperationName) {
		t.Fatalf("operationName %q; json.Unmarshal says %v", req.OperationName, name)
	}
}
