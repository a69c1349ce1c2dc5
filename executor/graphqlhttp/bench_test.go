package graphqlhttp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

const benchBody = `{"query":"query Product($upc: String!, $n: Int) { product(upc: $upc) { upc name price reviews(first: $n) { body author { username } } } }","operationName":"Product","variables":{"upc":"1","n":5}}`

func BenchmarkParse(b *testing.B) {
	cfg := graphqlhttp.DefaultConfig()
	gz := gzipped(b, benchBody)
	// The load benchmark's request: a query with newlines, sent escaped.
	benchmarkQuery, _ := json.Marshal(map[string]any{"query": examples.BenchmarkQuery})
	for _, bc := range []struct {
		name     string
		body     []byte
		encoding string
	}{
		{"post", []byte(benchBody), ""},
		{"post-gzip", gz, "gzip"},
		{"post-benchmark-query", benchmarkQuery, ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := postBytes(bc.body, "Content-Type", "application/json", "Content-Encoding", bc.encoding)
			rd := bytes.NewReader(bc.body)
			r.Body = io.NopCloser(rd)
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				rd.Reset(bc.body)
				if _, err := graphqlhttp.Parse(r, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("get", func(b *testing.B) {
		r := get("query=query+Product%28%24upc%3A+String%21%29+%7B+product%28upc%3A+%24upc%29+%7B+upc+name+%7D+%7D&operationName=Product&variables=%7B%22upc%22%3A%221%22%7D")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := graphqlhttp.Parse(r, cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMediaType(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if mt, ok := graphqlhttp.MediaType("application/graphql-response+json, application/json;q=0.9"); !ok || mt != graphqlhttp.GraphQLResponseJSON {
			b.Fatal(mt, ok)
		}
	}
}
