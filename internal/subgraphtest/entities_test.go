package subgraphtest

import "testing"

const entitiesQuery = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on User { name }
    ... on Account { owner }
  }
}`

const accountsSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query { me: User }

type User @key(fields: "id organization { id }") @key(fields: "email") @key(fields: "username", resolvable: false) {
  id: ID!
  email: String!
  username: String
  name: String
  organization: Organization!
}

type Organization @key(fields: "id") {
  id: ID!
  name: String
}

type Account @key(fields: "region number") {
  region: String!
  number: Int!
  owner: String
}
`

const accountsData = `{
  "User": [
    {"id": "1", "email": "ada@x", "username": "ada", "name": "Ada", "organization": {"$ref": "Organization", "id": "o1"}},
    {"id": "1", "email": "ada@y", "name": "Ada Two", "organization": {"id": "o2", "name": "Inline"}}
  ],
  "Organization": [{"id": "o1", "name": "Acme"}],
  "Account": [
    {"region": "eu", "number": 7, "owner": "Ada"},
    {"region": "us", "number": 7, "owner": "Bob"}
  ]
}`

func TestEntities(t *testing.T) {
	runCases(t, mustNew(t, accountsSDL, accountsData), []queryCase{{
		name:      "composite key",
		query:     entitiesQuery,
		variables: `{"representations": [{"__typename": "Account", "region": "us", "number": 7}]}`,
		want:      `{"data":{"_entities":[{"__typename":"Account","owner":"Bob"}]}}`,
	}, {
		name:  "nested key",
		query: entitiesQuery,
		variables: `{"representations": [
			{"__typename": "User", "id": "1", "organization": {"id": "o2"}},
			{"__typename": "User", "id": "1", "organization": {"id": "o1"}}]}`,
		want: `{"data":{"_entities":[{"__typename":"User","name":"Ada Two"},{"__typename":"User","name":"Ada"}]}}`,
	}, {
		name:      "second key",
		query:     entitiesQuery,
		variables: `{"representations": [{"__typename": "User", "email": "ada@y"}]}`,
		want:      `{"data":{"_entities":[{"__typename":"User","name":"Ada Two"}]}}`,
	}, {
		name:  "no match is null, order kept",
		query: entitiesQuery,
		variables: `{"representations": [
			{"__typename": "User", "email": "nobody"},
			{"__typename": "Account", "region": "eu", "number": 7},
			{"__typename": "Account", "region": "eu", "number": 8}]}`,
		want: `{"data":{"_entities":[null,{"__typename":"Account","owner":"Ada"},null]}}`,
	}, {
		name:  "representation without a resolvable key",
		query: entitiesQuery,
		variables: `{"representations": [
			{"__typename": "User", "username": "ada"},
			{"__typename": "Nope", "id": "1"}]}`,
		want: `{"data":{"_entities":[null,null]},"errors":[
			{"message":"representation of User holds none of its @key fields: {\"__typename\":\"User\",\"username\":\"ada\"}","path":["_entities",0]},
			{"message":"Nope is not an entity type with a resolvable @key","path":["_entities",1]}]}`,
	}, {
		name:  "literal representations and nested selection",
		query: `{ _entities(representations: [{__typename: "User", email: "ada@x"}]) { ... on User { organization { id name } } } }`,
		want:  `{"data":{"_entities":[{"organization":{"id":"o1","name":"Acme"}}]}}`,
	}, {
		name:  "type outside _Entity is invalid",
		query: `{ _entities(representations: []) { ... on Query { me { id } } } }`,
		want: `{"errors":[{"message":"Fragment cannot be spread here as objects of type \"_Entity\" can never be of type \"Query\".",
			"locations":[{"line":1,"column":40}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
	}})
}

func TestService(t *testing.T) {
	runCases(t, mustNew(t, accountsSDL, accountsData), []queryCase{{
		name:  "sdl as given",
		query: `{ _service { sdl } }`,
		want:  `{"data":{"_service":{"sdl":` + canonicalJSON(accountsSDL) + `}}}`,
	}})
}

func TestInterfaceObject(t *testing.T) {
	// No Query type at all: the subgraph only contributes fields to Media.
	const sdl = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])

type Media @key(fields: "id") @interfaceObject {
  id: ID!
  reviews: [String!]!
}
`
	const data = `{"Media": [{"id": "m1", "reviews": ["Good"]}, {"id": "m2", "reviews": []}]}`
	runCases(t, mustNew(t, sdl, data), []queryCase{{
		name:  "entity keeps the interface's name",
		query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Media { id reviews } } }`,
		variables: `{"r": [{"__typename": "Media", "id": "m2"}, {"__typename": "Media", "id": "m1"},
			{"__typename": "Media", "id": "m3"}]}`,
		want: `{"data":{"_entities":[{"__typename":"Media","id":"m2","reviews":[]},
			{"__typename":"Media","id":"m1","reviews":["Good"]},null]}}`,
	}})
}

func TestEntityInterface(t *testing.T) {
	const sdl = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query { media: [Media] }

interface Media @key(fields: "id") {
  id: ID!
  title: String
}

type Book implements Media @key(fields: "id") {
  id: ID!
  title: String
  isbn: String
}

type Movie implements Media @key(fields: "id") {
  id: ID!
  title: String
}
`
	const data = `{
  "Query": {"media": [{"$ref": "Media", "id": "m2"}, {"$ref": "Book", "id": "m1"}]},
  "Book": [{"id": "m1", "title": "Dune", "isbn": "x"}],
  "Movie": [{"id": "m2", "title": "Alien"}]
}`
	runCases(t, mustNew(t, sdl, data), []queryCase{{
		name:  "interface name resolves to the concrete type",
		query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Media { title } ... on Book { isbn } } }`,
		variables: `{"r": [{"__typename": "Media", "id": "m2"}, {"__typename": "Book", "id": "m1"},
			{"__typename": "Movie", "id": "m1"}]}`,
		want: `{"data":{"_entities":[{"__typename":"Movie","title":"Alien"},
			{"__typename":"Book","title":"Dune","isbn":"x"},null]}}`,
	}, {
		name:  "$ref to the interface",
		query: `{ media { __typename id } }`,
		want:  `{"data":{"media":[{"__typename":"Movie","id":"m2"},{"__typename":"Book","id":"m1"}]}}`,
	}})
}

func TestFederation1(t *testing.T) {
	const sdl = `
extend type Query {
  topReviews: [Review]
}

type Review @key(fields: "id") {
  id: ID!
  body: String
  product: Product @provides(fields: "name")
}

extend type Product @key(fields: "upc") {
  upc: String! @external
  name: String @external
  reviews: [Review]
}
`
	const data = `{
  "Query": {"topReviews": [{"$ref": "Review", "id": "r1"}]},
  "Product": [{"upc": "1", "name": "Table", "reviews": [{"$ref": "Review", "id": "r1"}]}],
  "Review": [{"id": "r1", "body": "Nice", "product": {"$ref": "Product", "upc": "1"}}]
}`
	runCases(t, mustNew(t, sdl, data), []queryCase{{
		name:  "external fields are answered",
		query: `{ topReviews { body product { upc name } } }`,
		want:  `{"data":{"topReviews":[{"body":"Nice","product":{"upc":"1","name":"Table"}}]}}`,
	}, {
		name:      "extended entity",
		query:     `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { reviews { body } } } }`,
		variables: `{"r": [{"__typename": "Product", "upc": "1"}]}`,
		want:      `{"data":{"_entities":[{"reviews":[{"body":"Nice"}]}]}}`,
	}, {
		name:  "sdl",
		query: `{ _service { sdl } }`,
		want:  `{"data":{"_service":{"sdl":` + canonicalJSON(sdl) + `}}}`,
	}})
}
