package subgraphtest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/trellis-gql/trellis/internal/subgraphtest"
)

// The SDL and data of the package documentation's example.
const (
	exampleSDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
  import: ["@key", "@external", "@requires"])

type Query {
  topProducts(first: Int): [Product!]!
  product(upc: String!): Product
  me: User
  count: Int
  search(text: String!): [SearchResult!]!
  outage: String
}

type Mutation {
  addReview(upc: String!, body: String!): Review
}

enum Currency { USD EUR }

union SearchResult = Product | Category

type Category { name: String! }

type Product @key(fields: "upc") {
  upc: String!
  name: String
  price(currency: Currency = USD): Int
  weight: Int @external
  reviews: [Review!]!
  shippingEstimate: Int @requires(fields: "weight")
}

type Review @key(fields: "id") {
  id: ID!
  body: String
  author: User
}

type User @key(fields: "id organization { id }") {
  id: ID!
  name: String
  organization: Organization!
}

type Organization @key(fields: "id") {
  id: ID!
  name: String
}
`
	exampleData = `{
  "Query": {
    "topProducts": [{"$ref": "Product", "upc": "1"}, {"$ref": "Product", "upc": "2"}],
    "topProducts(first: 1)": [{"$ref": "Product", "upc": "1"}],
    "product(upc: \"2\")": {"$ref": "Product", "upc": "2"},
    "me": {"$ref": "User", "id": "1", "organization": {"id": "o1"}},
    "count": 3,
    "search(text: \"ta\")": [
      {"$ref": "Product", "upc": "1"},
      {"__typename": "Category", "name": "Tables"}
    ],
    "outage": {"$error": "inventory is down"}
  },
  "Mutation": {
    "addReview(body: \"Great\", upc: \"1\")": {"$ref": "Review", "id": "3"}
  },
  "Product": [
    {"upc": "1", "name": "Table", "price": 899, "price(currency: EUR)": 799,
     "reviews": [{"$ref": "Review", "id": "1"}],
     "shippingEstimate": {"$requires": {"{\"weight\":100}": 50, "{\"weight\":null}": 0}}},
    {"upc": "2", "name": "Couch", "price": 1299, "reviews": []}
  ],
  "Review": [
    {"id": "1", "body": "Love it", "author": {"$ref": "User", "id": "1", "organization": {"id": "o1"}}},
    {"id": "3", "body": "Great"}
  ],
  "User": [
    {"id": "1", "name": "Ada", "organization": {"$ref": "Organization", "id": "o1"}}
  ],
  "Organization": [{"id": "o1", "name": "Acme"}]
}
`
)

func ExampleNew() {
	s, err := subgraphtest.New("products", exampleSDL, []byte(exampleData))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()

	for _, query := range []string{
		`{ topProducts(first: 1) { name price eur: price(currency: EUR) reviews { body author { name } } } ` +
			`search(text: \"ta\") { __typename ... on Category { name } } outage }`,
		`{ _entities(representations: [{__typename: \"Product\", upc: \"1\", weight: 100}]) ` +
			`{ ... on Product { shippingEstimate } } }`,
	} {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"query": "`+query+`"}`))
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(string(body))
	}
	fmt.Println(len(s.Requests()), "requests")
	// Output:
	// {"data":{"topProducts":[{"name":"Table","price":899,"eur":799,"reviews":[{"body":"Love it","author":{"name":"Ada"}}]}],"search":[{"__typename":"Product"},{"__typename":"Category","name":"Tables"}],"outage":null},"errors":[{"message":"inventory is down","path":["outage"]}]}
	// {"data":{"_entities":[{"shippingEstimate":50}]}}
	// 2 requests
}
