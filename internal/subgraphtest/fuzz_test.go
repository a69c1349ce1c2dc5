package subgraphtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzRequest checks that no query or variables make the subgraph panic or
// write anything but a JSON object.
func FuzzRequest(f *testing.F) {
	s, err := New("shop", shopSDL, []byte(shopData))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{ count __typename }`, ``)
	f.Add(`{ nodes { __typename id ...R } } fragment R on Review { body }`, ``)
	f.Add(`query($f: Filter) { filter(input: $f) { upc } }`, `{"f": {"tags": "big", "name": "Co", "max": 5}}`)
	f.Add(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }`,
		`{"r": [{"__typename": "Product", "upc": "1"}, {"__typename": "User"}, 3, null]}`)
	f.Add(`{ _entities(representations: [{__typename: "Review", id: "r2"}]) { ... on Review { body } } }`, ``)
	f.Add(`{ b: broken { name reviews { id text: body } } }`, ``)
	f.Fuzz(func(t *testing.T, query, variables string) {
		body := map[string]any{"query": query}
		if json.Valid([]byte(variables)) {
			body["variables"] = json.RawMessage(variables)
		}
		raw, _ := json.Marshal(body)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(raw)))
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("response is not a JSON object: %v\n%s", err, rec.Body)
		}
	})
}

// BenchmarkRequest measures a whole request: decode, validate, execute and
// write, with $ref lookups and fragments.
func BenchmarkRequest(b *testing.B) {
	s, err := New("shop", shopSDL, []byte(shopData))
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"query": "query($n: Int) { topProducts(first: $n) { upc name reviews { body author { name } } } ` +
		`search(text: \"ta\") { ... on Product { upc } ... on Category { name } } }", "variables": {"n": 1}}`)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Body)
		}
	}
}
