package subgraphtest

import (
	"strings"
	"testing"
)

func TestNewErrors(t *testing.T) {
	const sdl = `type Query { product: Product } type Product @key(fields: "upc") { upc: String! }`
	cases := []struct {
		name, sdl, data, want string
	}{
		{"SDL syntax", `type Query {`, ``, `subgraph test: schema: test.graphql:1:13: Expected Name, found <EOF>`},
		{"SDL invalid", `type Query { p: Nope }`, ``, `subgraph test: schema: test.graphql:1:17: Undefined type Nope.`},
		{"bad @key fields", `type Query { p: P } type P @key(fields: "id {") { id: ID }`, ``,
			`subgraph test: schema: @key(fields: "id {") on P: fields:1:6: expected at least one definition, found }`},
		{"data not JSON", sdl, `{`, `subgraph test: data: unexpected EOF`},
		{"unknown type", sdl, `{"Prodcut": []}`, `subgraph test: data: Prodcut is not an object type of the schema`},
		{"store not a list", sdl, `{"Product": {"upc": "1"}}`, `subgraph test: data: Product must be a list of objects`},
		{"root not an object", sdl, `{"Query": []}`, `subgraph test: data: Query must be an object`},
		{"bad $ref", sdl, `{"Query": {"product": {"$ref": "Prodcut", "upc": "1"}}}`,
			`subgraph test: data: $ref "Prodcut" is not a composite type of the schema`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New("test", c.sdl, []byte(c.data))
			if err == nil || err.Error() != c.want {
				t.Errorf("error\n got: %v\nwant: %s", err, c.want)
			}
		})
	}
}

func TestSchemaShapes(t *testing.T) {
	cases := []struct {
		name, sdl, data string
		queries         []queryCase
	}{{
		name: "renamed imports, namespace and unknown directives",
		sdl: `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", as: "fed", import: [{name: "@key", as: "@primaryKey"}])
  @link(url: "https://example.com/custom/v1.0", import: ["@custom"])

type Query { thing: Thing @custom(level: 2) }

type Thing @primaryKey(fields: "id") @fed__shareable @custom {
  id: ID!
  name: String @fed__tag(name: "public") @deprecated(reason: "old")
}
`,
		data: `{"Thing": [{"id": "t1", "name": "One"}]}`,
		queries: []queryCase{{
			name:      "entity by renamed key",
			query:     `query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { name } } }`,
			variables: `{"r": [{"__typename": "Thing", "id": "t1"}]}`,
			want:      `{"data":{"_entities":[{"name":"One"}]}}`,
		}},
	}, {
		name: "Federation 1 with definitions of its own",
		sdl: `
scalar _FieldSet
directive @key(fields: _FieldSet!) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION

type User @key(fields: "id") @extends {
  id: ID! @external
  reviewCount: Int
}
`,
		data: `{"User": [{"id": "1", "reviewCount": 2}]}`,
		queries: []queryCase{{
			name:      "entity",
			query:     `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { reviewCount } } }`,
			variables: `{"r": [{"__typename": "User", "id": "1"}]}`,
			want:      `{"data":{"_entities":[{"reviewCount":2}]}}`,
		}},
	}, {
		name: "no entities",
		sdl:  `extend type Query { hello: String }`,
		data: `{"Query": {"hello": "world"}}`,
		queries: []queryCase{{
			name:  "root field",
			query: `{ hello _service { sdl } }`,
			want:  `{"data":{"hello":"world","_service":{"sdl":"extend type Query { hello: String }"}}}`,
		}, {
			name:  "no _entities field",
			query: `{ _entities(representations: []) { __typename } }`,
			want: `{"errors":[{"message":"Cannot query field \"_entities\" on type \"Query\".",
				"locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		}},
	}, {
		name: "unresolvable keys only",
		sdl: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { user: User }
type User @key(fields: "id", resolvable: false) { id: ID! }
`,
		data: `{"Query": {"user": {"id": "1"}}}`,
		queries: []queryCase{{
			name:  "root field",
			query: `{ user { id } }`,
			want:  `{"data":{"user":{"id":"1"}}}`,
		}},
	}, {
		name: "renamed root",
		sdl: `
schema { query: Root }
type Root { hello: String }
type Thing @key(fields: "id") { id: ID! }
`,
		data: `{"Root": {"hello": "world"}, "Thing": [{"id": "1"}]}`,
		queries: []queryCase{{
			name:  "root and entity",
			query: `{ __typename hello _entities(representations: [{__typename: "Thing", id: "1"}]) { ... on Thing { id } } }`,
			want:  `{"data":{"__typename":"Root","hello":"world","_entities":[{"id":"1"}]}}`,
		}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runCases(t, mustNew(t, c.sdl, c.data), c.queries)
		})
	}
}

func TestCatchAllDirective(t *testing.T) {
	// A directive neither defined nor federation's takes the arguments it is
	// used with.
	s := mustNew(t, `type Query { a: Int @custom(level: 1) b: Int @custom(weight: 2) }`, ``)
	d := s.fed.schema.Directives["custom"]
	var args []string
	for _, a := range d.Arguments {
		args = append(args, a.Name+": "+a.Type.String())
	}
	if got := strings.Join(args, ", "); got != "level: _Any, weight: _Any" {
		t.Errorf("arguments %q", got)
	}
}

func TestEntityUnion(t *testing.T) {
	cases := []struct{ name, sdl, want string }{
		{"keys, nested and composite", accountsSDL, "Account,Organization,User"},
		{"interface keys give implementations", `
type Query { m: Media }
interface Media @key(fields: "id") { id: ID! }
type Book implements Media { id: ID! }
type Movie implements Media @key(fields: "id") { id: ID! }
type Plain { id: ID! }
type Hidden @key(fields: "id", resolvable: false) { id: ID! }
`, "Book,Movie"},
		{"interface object", `type Media @key(fields: "id") @interfaceObject { id: ID! }`, "Media"},
		{"none", `type Query { a: Int }`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustNew(t, c.sdl, ``)
			var got string
			if u := s.fed.schema.Types["_Entity"]; u != nil {
				got = strings.Join(u.Types, ",")
			}
			if got != c.want {
				t.Errorf("_Entity = %q, want %q", got, c.want)
			}
		})
	}
}
