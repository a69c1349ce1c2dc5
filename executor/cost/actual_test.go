package cost_test

import (
	"encoding/json"
	"github.com/trellis-gql/trellis/executor/tree"
	"testing"
)

func TestActual(t *testing.T) {
	sg := load(t, linked, library)
	calc := calculator(t, sg)
	cases := []struct {
		name, query string
		vars        map[string]any
		data        string // the executor's tree, keyed by alias
		want        float64
	}{
		// 3 books (1 each) + 2 authors + 1 publisher with an address (1 + 5).
		{"lists measured", `{ books { title author { name } publisher { address { zipCode } } } }`, nil,
			`{"books": [{"title": "a", "author": {"name": "x"}}, {"author": {"name": "y"}, "publisher": {"address": {"zipCode": 1}}}, {}]}`,
			3 + 2 + 1 + 5},
		{"nested lists measured", `{ books { similar { title } } }`, nil,
			`{"books": [{"similar": [{}, {}]}, {"similar": []}, {"similar": null}]}`, 3 + 2},
		{"aliases key the tree", `{ a: book { title } b: book { title } }`, nil, `{"a": {"title": "x"}, "b": null}`, 1},
		{"a null object costs nothing", `{ book { title } }`, nil, `{"book": null}`, 0},
		{"an absent key is a null", `{ book { title } }`, nil, `{}`, 0},
		{"a null keeps the field's own @cost", `{ featured { title } expensive }`, nil, `{"featured": null, "expensive": null}`, 3 + 5},
		{"field @cost replaces the type's weight", `{ featured { author { name } } }`, nil, `{"featured": {"author": {}}}`, 3 + 1},
		{"null items cost nothing", `{ books { title } }`, nil, `{"books": [null, {}, null]}`, 1},
		{"scalar list items", `{ moneys }`, nil, `{"moneys": [1, 2, 3]}`, 3 * 30},
		{"arguments count once per field", `{ withInput(input: {somethingWithCost: 1}) withArg(arg: 1) }`, nil,
			`{"withInput": 1, "withArg": null}`, 21 + 10},
		{"arguments from variables", `query($n: Int!) { newestAdditions(limit: $n) { title } }`, map[string]any{"n": 50},
			`{"newestAdditions": [{}, {}]}`, 2},
		{"sized fields measured", `{ connection(first: 40) { edges { node { title } } } }`, nil,
			`{"connection": {"edges": [{"node": {}}, {"node": null}]}}`, 1 + 2 + 1},
		{"abstract by __typename", `{ nodes { id ... on Pricey { x } } }`, nil,
			`{"nodes": [{"__typename": "Cheap", "id": "1"}, {"__typename": "Pricey", "id": "2", "x": 1}, {"__typename": "Other"}]}`, 1 + 4 + 6},
		{"abstract without __typename: the most expensive case", `{ node { id } }`, nil, `{"node": {"id": "1"}}`, 6},
		{"union member selected on nothing", `{ result { ... on Cheap { id } } }`, nil, `{"result": {"__typename": "Pricey"}}`, 4},
		{"mutation weight per root field run", `mutation { addBook(title: "x") { title } ping }`, nil, `{"addBook": {"title": "x"}, "ping": 1}`, 2*10 + 1},
		{"typename is free", `{ __typename book { __typename } }`, nil, `{"__typename": "Query", "book": {"__typename": "Book"}}`, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op, vars := operation(t, sg, c.query, c.vars)
			var data map[string]any
			if err := json.Unmarshal([]byte(c.data), &data); err != nil {
				t.Fatal(err)
			}
			if got := calc.Actual(op, vars, asTree(data)); got != c.want {
				t.Fatalf("Actual = %v; want %v", got, c.want)
			}
		})
	}
}

// asTree is data as the executor's response tree.
func asTree(data map[string]any) *tree.Object {
	return tree.FromPlain(data).(*tree.Object)
}
