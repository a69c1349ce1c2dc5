package subgraphtest

import "testing"

const shippingSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

type Query {
  product: Product
}

type Product @key(fields: "upc") {
  upc: String!
  price: Int @external
  weight: Int @external
  dimensions: Dimensions @external
  shippingEstimate: Int @requires(fields: "price weight")
  box: String @requires(fields: "dimensions { size unit }")
  note: String! @requires(fields: "price")
  gift: String @requires(fields: "price")
}

type Dimensions {
  size: Int
  unit: String
}
`

const shippingData = `{
  "Query": {"product": {"$ref": "Product", "upc": "1"}},
  "Product": [{
    "upc": "1",
    "price": 1,
    "shippingEstimate": {"$requires": {"{\"price\":899,\"weight\":100}": 50, "{\"price\":10,\"weight\":1.5}": 5}},
    "box": {"$requires": {"{\"dimensions\":{\"size\":3,\"unit\":\"cm\"}}": "small"}},
    "note": "as stored",
    "gift": {"$requires": {"{\"price\":899}": {"$error": "gift wrap unavailable"}}}
  }]
}`

func TestRequires(t *testing.T) {
	query := func(sel string) string {
		return `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { ` + sel + ` } } }`
	}
	runCases(t, mustNew(t, shippingSDL, shippingData), []queryCase{{
		name:      "requirements pick the value",
		query:     query("shippingEstimate"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "weight": 100, "price": 899}]}`,
		want:      `{"data":{"_entities":[{"shippingEstimate":50}]}}`,
	}, {
		name:      "numbers as sent",
		query:     query("shippingEstimate"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "price": 10, "weight": 1.5}]}`,
		want:      `{"data":{"_entities":[{"shippingEstimate":5}]}}`,
	}, {
		name:      "nested requirements, other fields left out of the key",
		query:     query("box"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "price": 899, "dimensions": {"unit": "cm", "size": 3, "depth": 9}}]}`,
		want:      `{"data":{"_entities":[{"box":"small"}]}}`,
	}, {
		name:      "no data for the requirements",
		query:     query("shippingEstimate"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "price": 1, "weight": 1}]}`,
		want: `{"data":{"_entities":[{"shippingEstimate":null}]},"errors":[
			{"message":"no data for requirements {\"price\":1,\"weight\":1}","path":["_entities",0,"shippingEstimate"]}]}`,
	}, {
		name:      "missing requirement",
		query:     query("upc est: shippingEstimate"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "price": 899}]}`,
		want: `{"data":{"_entities":[{"upc":"1","est":null}]},"errors":[
			{"message":"requires field weight missing from representation","path":["_entities",0,"est"]}]}`,
	}, {
		name:      "missing nested requirement",
		query:     query("box"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "dimensions": {"size": 3}}]}`,
		want: `{"data":{"_entities":[{"box":null}]},"errors":[
			{"message":"requires field dimensions.unit missing from representation","path":["_entities",0,"box"]}]}`,
	}, {
		name:      "stored value used as is",
		query:     query("note"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "price": 899}]}`,
		want:      `{"data":{"_entities":[{"note":"as stored"}]}}`,
	}, {
		name:      "missing requirement on a non-null field nulls the entity",
		query:     query("upc note"),
		variables: `{"r": [{"__typename": "Product", "upc": "1"}]}`,
		want: `{"data":{"_entities":[null]},"errors":[
			{"message":"requires field price missing from representation","path":["_entities",0,"note"]}]}`,
	}, {
		name:  "outside _entities there is no representation",
		query: `{ product { upc shippingEstimate } }`,
		want: `{"data":{"product":{"upc":"1","shippingEstimate":null}},"errors":[
			{"message":"requires field price missing from representation","path":["product","shippingEstimate"]}]}`,
	}, {
		name:      "$error under $requires",
		query:     query("gift"),
		variables: `{"r": [{"__typename": "Product", "upc": "1", "price": 899}]}`,
		want: `{"data":{"_entities":[{"gift":null}]},"errors":[
			{"message":"gift wrap unavailable","path":["_entities",0,"gift"]}]}`,
	}})
}

func TestRequiresFragment(t *testing.T) {
	const sdl = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

type Listing @key(fields: "id") {
  id: ID!
  item: Item @external
  tax: Float @requires(fields: "item { ... on Book { isbn } }")
  label: String @requires(fields: "item { ... on Item { id } }")
}

interface Item { id: ID! }

type Book implements Item {
  id: ID!
  isbn: String
}
`
	const data = `{"Listing": [{
  "id": "l1",
  "tax": {"$requires": {"{\"item\":{\"isbn\":\"x\"}}": 0.25, "{\"item\":{}}": 3.5}},
  "label": {"$requires": {"{\"item\":{\"id\":\"b1\"}}": "book b1"}}
}]}`
	query := func(sel string) string {
		return `query($r: [_Any!]!) { _entities(representations: $r) { ... on Listing { ` + sel + ` } } }`
	}
	runCases(t, mustNew(t, sdl, data), []queryCase{{
		name:      "fragment applies",
		query:     query("tax"),
		variables: `{"r": [{"__typename": "Listing", "id": "l1", "item": {"__typename": "Book", "isbn": "x"}}]}`,
		want:      `{"data":{"_entities":[{"tax":0.25}]}}`,
	}, {
		name:      "type unknown to the subgraph",
		query:     query("tax"),
		variables: `{"r": [{"__typename": "Listing", "id": "l1", "item": {"__typename": "Magazine"}}]}`,
		want:      `{"data":{"_entities":[{"tax":3.5}]}}`,
	}, {
		name:      "without __typename the fragment does not apply",
		query:     query("label"),
		variables: `{"r": [{"__typename": "Listing", "id": "l1", "item": {"id": "b1"}}]}`,
		want: `{"data":{"_entities":[{"label":null}]},"errors":[
			{"message":"no data for requirements {\"item\":{}}","path":["_entities",0,"label"]}]}`,
	}, {
		name:      "fragment on the interface",
		query:     query("label"),
		variables: `{"r": [{"__typename": "Listing", "id": "l1", "item": {"__typename": "Book", "id": "b1"}}]}`,
		want:      `{"data":{"_entities":[{"label":"book b1"}]}}`,
	}, {
		name:      "fragment field missing",
		query:     query("tax"),
		variables: `{"r": [{"__typename": "Listing", "id": "l1", "item": {"__typename": "Book"}}]}`,
		want: `{"data":{"_entities":[{"tax":null}]},"errors":[
			{"message":"requires field item.isbn missing from representation","path":["_entities",0,"tax"]}]}`,
	}})
}
