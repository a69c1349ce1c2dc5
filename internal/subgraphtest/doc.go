// Package subgraphtest is an in-process Apollo Federation subgraph that
// answers GraphQL from a subgraph schema and a JSON data file, so that the
// gateway's federation conformance cases need no hand-written resolvers.
//
// It sits at the far end of the request flow: the gateway under test plans a
// client operation, sends fetches over HTTP, and a Subgraph (an
// http.Handler, typically behind httptest.NewServer) validates each fetch
// against its schema, answers it from its data and records it. A test then
// asserts on the gateway's response and, through Requests, on exactly what
// the gateway asked each subgraph. A fetch that is not valid against the
// subgraph's schema is answered with errors only, so a test that passes
// proves the gateway sent valid subgraph queries.
//
// # Schema
//
// New takes Federation 2 SDL (with `extend schema @link(url:
// "https://specs.apollo.dev/federation/v2.x", import: [...])`) or Federation
// 1 SDL (no @link; `extend type` and @extends). It adds what the SDL uses
// and does not define: the federation directives, under their plain names,
// their `federation__` names (or those of the @link's `as` namespace) and
// the names they are imported as; @link; `scalar _Any`, `FieldSet`,
// `_FieldSet` and `federation__FieldSet`; `type _Service { sdl: String }`;
// `union _Entity` of every object type with a resolvable @key (resolvable
// defaults to true) or implementing an interface with one, @interfaceObject
// types included; and `Query._entities(representations: [_Any!]!):
// [_Entity]!` (when there is an entity) and `Query._service: _Service!`,
// creating Query if the SDL has none. A directive the SDL uses that is
// neither defined nor federation's is accepted anywhere with any arguments.
// `_service { sdl }` returns the SDL as given to New.
//
// # Data file
//
// A JSON object. The keys Query and Mutation (the root types' names) hold
// the root objects; every other key is an object type holding a list of
// stored objects, the store that $ref and _entities search. For this
// subgraph (ExampleNew runs it):
//
//	extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
//	  import: ["@key", "@external", "@requires"])
//
//	type Query {
//	  topProducts(first: Int): [Product!]!
//	  product(upc: String!): Product
//	  me: User
//	  count: Int
//	  search(text: String!): [SearchResult!]!
//	  outage: String
//	}
//
//	type Mutation {
//	  addReview(upc: String!, body: String!): Review
//	}
//
//	enum Currency { USD EUR }
//
//	union SearchResult = Product | Category
//
//	type Category { name: String! }
//
//	type Product @key(fields: "upc") {
//	  upc: String!
//	  name: String
//	  price(currency: Currency = USD): Int
//	  weight: Int @external
//	  reviews: [Review!]!
//	  shippingEstimate: Int @requires(fields: "weight")
//	}
//
//	type Review @key(fields: "id") {
//	  id: ID!
//	  body: String
//	  author: User
//	}
//
//	type User @key(fields: "id organization { id }") {
//	  id: ID!
//	  name: String
//	  organization: Organization!
//	}
//
//	type Organization @key(fields: "id") {
//	  id: ID!
//	  name: String
//	}
//
// a data file can be:
//
//	{
//	  "Query": {
//	    "topProducts": [{"$ref": "Product", "upc": "1"}, {"$ref": "Product", "upc": "2"}],
//	    "topProducts(first: 1)": [{"$ref": "Product", "upc": "1"}],
//	    "product(upc: \"2\")": {"$ref": "Product", "upc": "2"},
//	    "me": {"$ref": "User", "id": "1", "organization": {"id": "o1"}},
//	    "count": 3,
//	    "search(text: \"ta\")": [
//	      {"$ref": "Product", "upc": "1"},
//	      {"__typename": "Category", "name": "Tables"}
//	    ],
//	    "outage": {"$error": "inventory is down"}
//	  },
//	  "Mutation": {
//	    "addReview(body: \"Great\", upc: \"1\")": {"$ref": "Review", "id": "3"}
//	  },
//	  "Product": [
//	    {"upc": "1", "name": "Table", "price": 899, "price(currency: EUR)": 799,
//	     "reviews": [{"$ref": "Review", "id": "1"}],
//	     "shippingEstimate": {"$requires": {"{\"weight\":100}": 50, "{\"weight\":null}": 0}}},
//	    {"upc": "2", "name": "Couch", "price": 1299, "reviews": []}
//	  ],
//	  "Review": [
//	    {"id": "1", "body": "Love it", "author": {"$ref": "User", "id": "1", "organization": {"id": "o1"}}},
//	    {"id": "3", "body": "Great"}
//	  ],
//	  "User": [
//	    {"id": "1", "name": "Ada", "organization": {"$ref": "Organization", "id": "o1"}}
//	  ],
//	  "Organization": [{"id": "o1", "name": "Acme"}]
//	}
//
// With it, `{ topProducts(first: 1) { price eur: price(currency: EUR) } }`
// reads "topProducts(first: 1)", then for product 1 "price(currency: USD)"
// (the default applied; absent, so "price" gives 899) and "price(currency:
// EUR)" (799). `_entities` given `{"__typename": "Product", "upc": "1",
// "weight": 100}` finds product 1 by its @key, and its shippingEstimate
// under `{"weight":100}` (50).
//
// Values:
//
//   - A field's value is looked up under its canonical key (below) and then
//     under its plain name. A missing field is null.
//   - Scalars and enums are written as stored, numbers exactly as in the
//     file; they are not coerced to the field's type.
//   - `{"$ref": "T", ...fields}` is the first stored object of type T (in
//     file order) whose fields equal the given ones, compared as JSON;
//     given fields holding an object are compared field by field with the
//     stored value, which may itself be a $ref. No match gives null. T is
//     the concrete type; if T is an interface or union, the stored objects
//     of its object types are searched and the one found gives the type.
//   - A plain object is a value of the field's type. Under an interface or
//     union type it needs "__typename" naming its object type.
//   - `{"$error": "message"}` makes the value null and adds an error with
//     that message and the value's response path (aliases and list indices
//     included). Where the type is non-null, the null propagates to the
//     nearest nullable parent as the GraphQL spec says, and the rest of the
//     response goes on. A null, missing or dangling value of a non-null type
//     does the same with the error "Cannot return null for non-nullable
//     field T.f.".
//   - `{"$requires": {"<key>": value, ...}}`, only on a field with
//     @requires, picks value by the requirements _entities received (below).
//
// # Canonical field keys
//
// A field with arguments is looked up first under
//
//	name(arg1: value1, arg2: value2)
//
// and then under name. Exactly:
//
//   - Arguments are sorted by name (byte order), each written as
//     `name: value` and joined with ", ".
//   - An argument is written if the query gives it a value; a variable with
//     no value and no default gives none. Otherwise its default value, if the
//     schema declares one, is written. Otherwise it is left out, and with no
//     argument left the key is the plain name. An explicit null is `null`.
//   - Values are GraphQL literals after variable substitution: a String as
//     a double-quoted JSON string (JSON escapes, no HTML escaping, so
//     `product(upc: "2")`); an ID as a string too, even when given as a
//     number; Int and Float as written in the query or the variables JSON
//     (`1.50` stays `1.50`); Boolean as true/false; an enum value bare
//     (`price(currency: EUR)`); a list as `[a, b]`, and a single value given
//     for a list type as a one-item list; an input object as `{a: 1, b: "x"}`
//     with fields sorted by name, absent fields given their default values
//     and left out when they have none; a custom scalar's JSON value in the
//     same syntax, objects with sorted keys.
//
// # Entities
//
// `_entities(representations:)` answers each representation with the stored
// object of its __typename whose fields match the representation's for one
// of the type's resolvable @key (those of the entity interfaces it
// implements count too) that the representation holds in full, nested keys
// such as `id organization { id }` included. Values are compared as JSON,
// and nested objects as described for $ref. When __typename is an entity
// interface, the stored objects of its object types are searched and the
// result has the concrete type. An @interfaceObject type is an object type in
// its subgraph, stored under the interface's name, and the result's
// __typename is that name. No match gives a null entry; a representation
// without __typename, of a type with no resolvable @key or holding none of
// its keys gives a null entry and an error.
//
// A field with `@requires(fields: "...")` needs the representation its object
// was found by to hold every field of that selection, nested ones included;
// otherwise it is null with the error `requires field a.b missing from
// representation`. That is also the error when the object did not come from
// _entities, which a gateway never needs. If its stored value is
// `{"$requires": {...}}`, the entry used is the one whose key is the compact
// JSON of the representation's required fields alone, object keys sorted,
// numbers as sent: `{"price":899,"weight":100}`. A required field with
// arguments, such as `price(currency: USD)`, is under its name ("price") in
// both. No entry gives the error `no data for requirements <key>`. Any other
// stored value is used as is.
//
// The fields of an inline fragment in a @requires selection count only when
// the object beside them has a __typename that is the fragment's type
// condition or, in this subgraph, an object type of it. Without __typename
// they are neither required nor part of the key, so `item { ... on Book {
// isbn } }` gives the key `{"item":{}}` for a Magazine or for an item sent
// without __typename.
//
// @external, @provides, @shareable, @override, @inaccessible and @tag do not
// change answers: an @external field is answered from the data like any
// other. Tests check which fields a gateway asked for through Requests.
//
// # Requests
//
// ServeHTTP takes a POST of `{"query", "operationName", "variables"}`. A
// query that does not parse or validate against the schema, or whose
// variables do not coerce, gets status 200 and `{"errors": [...]}` with
// locations and extensions.code (GRAPHQL_PARSE_FAILED,
// GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT, OPERATION_RESOLUTION_FAILURE).
// Otherwise the response is `{"data": ...}`, keys in selection order,
// followed by "errors" (message and path) if any. Mutations read the
// Mutation object and run their root fields one at a time in order.
// Variables, aliases, fragments, inline fragments, @skip and @include, and
// __typename anywhere are supported; introspection (__schema, __type) and
// subscriptions are not.
package subgraphtest
