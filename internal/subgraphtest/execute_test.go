package subgraphtest

import "testing"

const shopSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  topProducts(first: Int): [Product!]!
  product(upc: String!): Product
  productByID(id: ID!): Product
  me: User
  count: Int
  search(text: String!): [SearchResult!]!
  nodes: [Node]
  price(currency: Currency = USD): Int
  filter(input: Filter): [Product!]
  outage: String
  mustHave: String!
  broken: Product
  dangling: Product
}

type Mutation {
  addReview(upc: String!, body: String!): Review
  clearCart: Boolean!
}

enum Currency { USD EUR }

input Filter {
  name: String
  max: Int = 100
  tags: [String!]
}

interface Node { id: ID! }

union SearchResult = Product | Category

type Category { name: String! }

type Product implements Node @key(fields: "upc") {
  id: ID!
  upc: String!
  name: String
  price(currency: Currency = USD): Float
  reviews: [Review!]
  related: [Product]
}

type Review implements Node @key(fields: "id") {
  id: ID!
  body: String!
  author: User
}

type User @key(fields: "id") {
  id: ID!
  name: String @shareable
}
`

const shopData = `{
  "Query": {
    "topProducts": [{"$ref": "Product", "upc": "1"}, {"$ref": "Product", "upc": "2"}],
    "topProducts(first: 1)": [{"$ref": "Product", "upc": "1"}],
    "product(upc: \"2\")": {"$ref": "Product", "upc": "2"},
    "productByID(id: \"7\")": {"$ref": "Product", "upc": "1"},
    "me": {"$ref": "User", "id": "1"},
    "count": 3,
    "search(text: \"ta\")": [{"$ref": "Product", "upc": "1"}, {"__typename": "Category", "name": "Tables"}],
    "nodes": [{"$ref": "Node", "id": "r1"}, {"$ref": "Product", "upc": "2"}, {"$ref": "Review", "id": "missing"}],
    "price(currency: EUR)": 1199,
    "price(currency: USD)": 1299,
    "filter(input: {max: 100, name: \"Ta\"})": [{"$ref": "Product", "upc": "1"}],
    "filter(input: {max: 5, name: \"Co\", tags: [\"big\"]})": [{"$ref": "Product", "upc": "2"}],
    "outage": {"$error": "inventory is down"},
    "broken": {"$ref": "Product", "upc": "3"},
    "dangling": {"$ref": "Product", "upc": "404"}
  },
  "Mutation": {
    "addReview(body: \"Great\", upc: \"1\")": {"$ref": "Review", "id": "r3"},
    "clearCart": true
  },
  "Product": [
    {"id": "p1", "upc": "1", "name": "Table", "price": 899,
     "reviews": [{"$ref": "Review", "id": "r1"}], "related": [{"$ref": "Product", "upc": "2"}]},
    {"id": "p2", "upc": "2", "name": "Couch", "price": 1299.50, "price(currency: EUR)": 1199.0, "reviews": []},
    {"id": "p3", "upc": "3", "name": "Chair", "reviews": [{"$ref": "Review", "id": "r2"}, {"$ref": "Review", "id": "r1"}]}
  ],
  "Review": [
    {"id": "r1", "body": "Love it", "author": {"$ref": "User", "id": "1"}},
    {"id": "r2", "body": {"$error": "review r2 is hidden"}},
    {"id": "r3", "body": "Great"}
  ],
  "User": [{"id": "1", "name": "Ada"}]
}`

func TestRootFields(t *testing.T) {
	runCases(t, mustNew(t, shopSDL, shopData), []queryCase{{
		name:  "scalar and __typename",
		query: `{ count __typename }`,
		want:  `{"data":{"count":3,"__typename":"Query"}}`,
	}, {
		name:  "list of refs",
		query: `{ topProducts { upc name } }`,
		want:  `{"data":{"topProducts":[{"upc":"1","name":"Table"},{"upc":"2","name":"Couch"}]}}`,
	}, {
		name:  "ref to a ref",
		query: `{ me { name } topProducts(first: 1) { reviews { body author { id name } } related { name } } }`,
		want: `{"data":{"me":{"name":"Ada"},"topProducts":[{"reviews":[{"body":"Love it",
			"author":{"id":"1","name":"Ada"}}],"related":[{"name":"Couch"}]}]}}`,
	}, {
		name:  "dangling ref is null",
		query: `{ dangling { upc } }`,
		want:  `{"data":{"dangling":null}}`,
	}, {
		name:  "numbers as written",
		query: `{ product(upc: "2") { price eur: price(currency: EUR) } }`,
		want:  `{"data":{"product":{"price":1299.50,"eur":1199.0}}}`,
	}, {
		name:  "aliases in selection order",
		query: `{ b: topProducts(first: 1) { upc } a: product(upc: "2") { n: name upc } count }`,
		want:  `{"data":{"b":[{"upc":"1"}],"a":{"n":"Couch","upc":"2"},"count":3}}`,
	}, {
		name:  "same response key merged",
		query: `{ product(upc: "2") { upc } product(upc: "2") { name } }`,
		want:  `{"data":{"product":{"upc":"2","name":"Couch"}}}`,
	}, {
		name:      "skip and include",
		query:     `query($yes: Boolean!) { count @include(if: $yes) me @skip(if: $yes) { id } }`,
		variables: `{"yes": true}`,
		want:      `{"data":{"count":3}}`,
	}, {
		name:      "operation name",
		query:     `query A { count } query B { me { id } }`,
		operation: "B",
		want:      `{"data":{"me":{"id":"1"}}}`,
	}, {
		name:  "mutation",
		query: `mutation { first: addReview(upc: "1", body: "Great") { id body } clearCart }`,
		want:  `{"data":{"first":{"id":"r3","body":"Great"},"clearCart":true}}`,
	}})
}

func TestArguments(t *testing.T) {
	runCases(t, mustNew(t, shopSDL, shopData), []queryCase{{
		name:  "literal",
		query: `{ topProducts(first: 1) { upc } }`,
		want:  `{"data":{"topProducts":[{"upc":"1"}]}}`,
	}, {
		name:      "variable",
		query:     `query($n: Int) { topProducts(first: $n) { upc } }`,
		variables: `{"n": 1}`,
		want:      `{"data":{"topProducts":[{"upc":"1"}]}}`,
	}, {
		name:  "unset variable falls back to the plain name",
		query: `query($n: Int) { topProducts(first: $n) { upc } }`,
		want:  `{"data":{"topProducts":[{"upc":"1"},{"upc":"2"}]}}`,
	}, {
		name:  "string",
		query: `{ product(upc: "2") { name } }`,
		want:  `{"data":{"product":{"name":"Couch"}}}`,
	}, {
		name:  "no entry",
		query: `{ product(upc: "9") { name } }`,
		want:  `{"data":{"product":null}}`,
	}, {
		name:      "ID given as a number is printed as a string",
		query:     `query($id: ID!) { productByID(id: $id) { upc } }`,
		variables: `{"id": 7}`,
		want:      `{"data":{"productByID":{"upc":"1"}}}`,
	}, {
		name:  "argument default",
		query: `{ price }`,
		want:  `{"data":{"price":1299}}`,
	}, {
		name:  "enum",
		query: `{ price(currency: EUR) }`,
		want:  `{"data":{"price":1199}}`,
	}, {
		name:  "variable default",
		query: `query($c: Currency = EUR) { price(currency: $c) }`,
		want:  `{"data":{"price":1199}}`,
	}, {
		name:  "input object with field default",
		query: `{ filter(input: {name: "Ta"}) { upc } }`,
		want:  `{"data":{"filter":[{"upc":"1"}]}}`,
	}, {
		name:      "input object variable, sorted, list coerced",
		query:     `query($f: Filter) { filter(input: $f) { upc } }`,
		variables: `{"f": {"tags": "big", "name": "Co", "max": 5}}`,
		want:      `{"data":{"filter":[{"upc":"2"}]}}`,
	}})
}

func TestAbstractTypes(t *testing.T) {
	runCases(t, mustNew(t, shopSDL, shopData), []queryCase{{
		name:  "union with inline fragments",
		query: `{ search(text: "ta") { __typename ... on Product { upc } ... on Category { name } } }`,
		want: `{"data":{"search":[{"__typename":"Product","upc":"1"},
			{"__typename":"Category","name":"Tables"}]}}`,
	}, {
		name:  "interface with a named fragment",
		query: `{ nodes { __typename id ...R } } fragment R on Review { body }`,
		want: `{"data":{"nodes":[{"__typename":"Review","id":"r1","body":"Love it"},
			{"__typename":"Product","id":"p2"},null]}}`,
	}, {
		name:  "fragment on an interface from an object",
		query: `{ product(upc: "2") { ... on Node { id } ... { name } } }`,
		want:  `{"data":{"product":{"id":"p2","name":"Couch"}}}`,
	}})
}

func TestFieldErrors(t *testing.T) {
	runCases(t, mustNew(t, shopSDL, shopData), []queryCase{{
		name:  "$error on a nullable field",
		query: `{ count outage }`,
		want:  `{"data":{"count":3,"outage":null},"errors":[{"message":"inventory is down","path":["outage"]}]}`,
	}, {
		name:  "$error on a non-null field nulls the nearest nullable parent",
		query: `{ b: broken { name reviews { id text: body } } }`,
		want: `{"data":{"b":{"name":"Chair","reviews":null}},
			"errors":[{"message":"review r2 is hidden","path":["b","reviews",0,"text"]}]}`,
	}, {
		name:  "missing non-null field nulls data",
		query: `{ count mustHave }`,
		want: `{"data":null,"errors":[{"message":"Cannot return null for non-nullable field Query.mustHave.",
			"path":["mustHave"]}]}`,
	}, {
		name:  "introspection",
		query: `{ __type(name: "Product") { name } }`,
		want: `{"data":{"__type":null},"errors":[{"message":"introspection is not supported by subgraphtest",
			"path":["__type"]}]}`,
	}})
}

func TestRequestErrors(t *testing.T) {
	runCases(t, mustNew(t, shopSDL, shopData), []queryCase{{
		name:  "invalid field",
		query: `{ product(upc: "2") { weight } }`,
		want: `{"errors":[{"message":"Cannot query field \"weight\" on type \"Product\".",
			"locations":[{"line":1,"column":23}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
	}, {
		name:  "missing argument",
		query: `{ product { name } }`,
		want: `{"errors":[{"message":"Field \"product\" argument \"upc\" of type \"String!\" is required, but it was not provided.",
			"locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
	}, {
		name:  "parse error",
		query: `{ count`,
		want: `{"errors":[{"message":"Expected Name, found <EOF>","locations":[{"line":1,"column":8}],
			"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`,
	}, {
		name:  "missing variable",
		query: `query($upc: String!) { product(upc: $upc) { name } }`,
		want:  `{"errors":[{"message":"variable.upc must be defined","extensions":{"code":"BAD_USER_INPUT"}}]}`,
	}, {
		name:  "unnamed operation among several",
		query: `query A { count } query B { count }`,
		want: `{"errors":[{"message":"the document holds several operations: name the one to run",
			"extensions":{"code":"OPERATION_RESOLUTION_FAILURE"}}]}`,
	}})
}
