package cost_test

import (
	"testing"
)

// library is Apollo's demand-control documentation example (Book, Author, Publisher,
// Address @cost 5), grown with a field for each rule.
const library = `
type Query {
  book(id: ID): Book
  featured: Book @cost(weight: "3")
  books: [Book]
  bestsellers: [Book] @listSize(assumedSize: 5)
  newestAdditions(after: ID, limit: Int!): [Book] @listSize(slicingArguments: ["limit"])
  page(first: Int, last: Int): [Book] @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
  strictPage(first: Int, last: Int): [Book] @listSize(slicingArguments: ["first", "last"])
  defaultPage(first: Int = 7, last: Int): [Book] @listSize(slicingArguments: ["first", "last"])
  connection(first: Int): BookConnection @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
  deepConnection(first: Int): Deep @listSize(slicingArguments: ["first"], sizedFields: ["results { page }"], requireOneSlicingArgument: false)
  byIds(ids: [ID!]!): [Book] @listSize(slicingArguments: ["ids"])
  search(input: SearchInput): [Book] @listSize(slicingArguments: ["input.pagination.first"], assumedSize: 25, requireOneSlicingArgument: false)
  matrix: [[Book]] @listSize(assumedSize: 3)
  expensive: Int @cost(weight: "5")
  withArg(arg: Int @cost(weight: "10")): Int
  withInput(input: Costly): Int
  withList(ids: [Money]): Int
  kind: Kind
  money: Money
  tags: [String]
  moneys: [Money] @listSize(assumedSize: 2)
  node: Node
  nodes: [Node] @listSize(assumedSize: 2)
  result: Result
}
type Mutation { addBook(title: String): Book ping: Int }
type Book { title: String author: Author publisher: Publisher similar: [Book] }
type Author { name: String }
type Publisher { name: String address: Address }
type Address @cost(weight: "5") { zipCode: Int! }
type BookConnection { edges: [BookEdge] total: Int }
type BookEdge { node: Book }
type Deep { results: Results }
type Results { page: [Book] }
input SearchInput { pagination: Pagination text: String }
input Pagination { first: Int = 9 }
input Costly { somethingWithCost: Int @cost(weight: "20") }
enum Kind @cost(weight: "15") { A B }
scalar Money @cost(weight: "30")
interface Node { id: ID }
type Cheap implements Node { id: ID }
type Pricey implements Node @cost(weight: "4") { id: ID x: Int }
type Other implements Node @cost(weight: "6") { id: ID }
union Result = Cheap | Pricey
`

const bookFields = `title author { name } publisher { name address { zipCode } }`

func TestEstimate(t *testing.T) {
	sg := load(t, linked, library)
	calc := calculator(t, sg)
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		want  float64
		// variables is whether the estimate depends on variable values.
		variables bool
	}{
		// Apollo's examples: 1 book + 1 author + 1 publisher + 1 address (5) = 8.
		{"object defaults and type @cost", `{ book(id: 1) { ` + bookFields + ` } }`, nil, 8, false},
		{"assumedSize", `{ bestsellers { ` + bookFields + ` } }`, nil, 5 * 8, false},
		{"slicing argument literal", `{ newestAdditions(limit: 3) { ` + bookFields + ` } }`, nil, 3 * 8, false},
		{"slicing argument literal, 7", `{ newestAdditions(limit: 7) { ` + bookFields + ` } }`, nil, 7 * 8, false},
		{"slicing argument variable", `query($n: Int!) { newestAdditions(limit: $n) { title } }`, map[string]any{"n": 4}, 4, true},
		{"scalars and enums weigh 0", `{ book { title } tags }`, nil, 1 + 10*0, false},
		{"default list size", `{ books { title } }`, nil, 10, false},
		{"nested lists multiply", `{ books { similar { title } } }`, nil, 10 * (1 + 10*1), false},
		{"list of lists is sized once", `{ matrix { title } }`, nil, 3, false},
		{"several slicing arguments: the largest", `{ page(first: 3, last: 8) { title } }`, nil, 8, false},
		{"no slicing argument, not required: default size", `{ page { title } }`, nil, 10, false},
		{"slicing default", `{ defaultPage { title } }`, nil, 7, false},
		{"a given slicing argument beats the default of another", `{ defaultPage(last: 2) { title } }`, nil, 2, false},
		// 1 connection + 4 × (1 edge + 1 node) + total 0.
		{"sizedFields", `{ connection(first: 4) { edges { node { title } } total } }`, nil, 1 + 4*2, false},
		// 1 container + 1 results + 3 × 1 book.
		{"nested sizedFields", `{ deepConnection(first: 3) { results { page { title } } } }`, nil, 1 + 1 + 3, false},
		{"sizedFields without a size: default", `{ connection { edges { node { title } } } }`, nil, 1 + 10*2, false},
		{"list slicing argument: its length", `{ byIds(ids: ["a", "b"]) { title } }`, nil, 2, false},
		{"list slicing argument from a variable", `query($ids: [ID!]!) { byIds(ids: $ids) { title } }`, map[string]any{"ids": []any{"a", "b", "c"}}, 3, true},
		// 4 books + the arguments: SearchInput 1 + Pagination 1.
		{"nested slicing argument", `{ search(input: {pagination: {first: 4}}) { title } }`, nil, 4 + 2, false},
		{"nested slicing argument from a variable inside a literal", `query($f: Int) { search(input: {pagination: {first: $f}}) { title } }`, map[string]any{"f": 6}, 6 + 2, true},
		{"nested slicing argument, input field default", `{ search(input: {pagination: {}}) { title } }`, nil, 9 + 2, false},
		{"nested slicing argument absent: assumedSize", `{ search(input: {text: "x"}) { title } }`, nil, 25 + 1, false},
		{"field @cost on a scalar", `{ expensive }`, nil, 5, false},
		{"field @cost replaces the type's weight", `{ featured { title author { name } } }`, nil, 3 + 1, false},
		{"argument @cost", `{ withArg(arg: 3) }`, nil, 10, false},
		{"null argument costs nothing", `{ withArg(arg: null) }`, nil, 0, false},
		{"an argument that weighs nothing leaves the estimate independent of its variable", `query($id: ID) { book(id: $id) { title } }`, map[string]any{"id": "1"}, 1, false},
		{"argument @cost from a variable", `query($a: Int) { withArg(arg: $a) }`, map[string]any{"a": 1}, 10, true},
		{"argument @cost, null variable", `query($a: Int) { withArg(arg: $a) }`, map[string]any{"a": nil}, 0, true},
		// Apollo's example: the input object 1 + somethingWithCost 20.
		{"input object and input field @cost", `{ withInput(input: {somethingWithCost: 10}) }`, nil, 21, false},
		{"input object from a variable", `query($i: Costly) { withInput(input: $i) }`, map[string]any{"i": map[string]any{"somethingWithCost": 1}}, 21, true},
		{"list argument: its items", `{ withList(ids: [1, 2]) }`, nil, 2 * 30, false},
		{"enum type @cost", `{ kind }`, nil, 15, false},
		{"scalar type @cost", `{ money }`, nil, 30, false},
		{"list of a costly scalar", `{ moneys }`, nil, 2 * 30, false},
		// Cases Cheap (1), Pricey (4 + x 0), Other (6): the most expensive.
		{"interface: the most expensive case", `{ node { id ... on Pricey { x } } }`, nil, 6, false},
		{"interface in a list", `{ nodes { id } }`, nil, 2 * 6, false},
		// Only Cheap is selected; Pricey, selected on nothing, still weighs 4.
		{"union: an unselected member weighs its weight", `{ result { ... on Cheap { id } } }`, nil, 4, false},
		{"typename is free", `{ __typename book { __typename } }`, nil, 1, false},
		// Two root fields, 10 each; addBook returns a book (1).
		{"mutation weight per root field", `mutation { addBook(title: "x") { title } ping }`, nil, 2*10 + 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // one Calculator serves concurrent requests
			op, vars := operation(t, sg, c.query, c.vars)
			est := calc.Estimate(op, vars)
			if est.Cost != c.want || est.Variables != c.variables || est.Slicing != nil {
				t.Fatalf("Estimate = %+v; want cost %v, variables %v, no slicing error", est, c.want, c.variables)
			}
		})
	}
}

func TestEstimateRequireOneSlicingArgument(t *testing.T) {
	sg := load(t, linked, library)
	calc := calculator(t, sg)
	cases := []struct {
		name, query string
		want        float64 // the cost with the fallback size
		message     string
	}{
		{"several given", `{ a: book { title } strictPage(first: 2, last: 3) { title } }`, 1 + 3,
			"Query.strictPage at strictPage must be given exactly one of the slicing arguments first, last; the operation gives first, last"},
		{"none given", `{ s: strictPage { title } }`, 10,
			"Query.strictPage at s must be given exactly one of the slicing arguments first, last; the operation gives none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op, vars := operation(t, sg, c.query, nil)
			est := calc.Estimate(op, vars)
			if est.Slicing == nil || est.Slicing.Error() != c.message || est.Cost != c.want {
				t.Fatalf("Estimate = %+v (%v); want cost %v and %q", est, est.Slicing, c.want, c.message)
			}
			if err := calc.Admit(est); err != est.Slicing {
				t.Fatalf("enforce mode admits %v", err)
			}
		})
	}
}
