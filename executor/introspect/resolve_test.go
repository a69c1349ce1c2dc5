package introspect

import (
	"testing"
)

func TestResolve(t *testing.T) {
	s := loadSchema(t)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  string
	}{
		{
			name: "aliases",
			query: `{
				s: __schema { q: queryType { n: name k: kind } m: mutationType { name } sub: subscriptionType { name } }
				t: __type(name: "Order") { kindOf: kind }
				again: __type(name: "Order") { name }
			}`,
			want: `{
				"s": {"q": {"n": "Query", "k": "OBJECT"}, "m": {"name": "Mutation"}, "sub": null},
				"t": {"kindOf": "ENUM"},
				"again": {"name": "Order"}
			}`,
		},
		{
			name: "same response key merges sub-selections",
			query: `{ __type(name: "Mutation") {
				fields { name }
				fields { args { name } }
				f: fields { type { name } }
			} }`,
			want: `{"__type": {
				"fields": [{"name": "rename", "args": [{"name": "id"}, {"name": "name"}]}],
				"f": [{"type": {"name": "User"}}]
			}}`,
		},
		{
			name: "fragments on __Type merge with fields and each other",
			query: `
				query {
					__type(name: "Named") {
						...Basics
						... on __Type { fields { type { kind ofType { name } } } }
						... { interfaces { ...Ref } }
						fields { ...FieldName }
						...Basics
					}
				}
				fragment Basics on __Type { name kind fields { name } }
				fragment Ref on __Type { name kind }
				fragment FieldName on __Field { n: name }
			`,
			want: `{"__type": {
				"name": "Named",
				"kind": "INTERFACE",
				"fields": [
					{"name": "id", "n": "id", "type": {"kind": "NON_NULL", "ofType": {"name": "ID"}}},
					{"name": "name", "n": "name", "type": {"kind": "NON_NULL", "ofType": {"name": "String"}}}
				],
				"interfaces": [{"name": "Node", "kind": "INTERFACE"}]
			}}`,
		},
		{
			name:  "__type with a variable name",
			query: `query($name: String!) { __type(name: $name) { kind name description specifiedByURL } }`,
			vars:  map[string]any{"name": "Date"},
			want: `{"__type": {
				"kind": "SCALAR", "name": "Date", "description": "An ISO 8601 calendar date.",
				"specifiedByURL": "https://www.rfc-editor.org/rfc/rfc3339"
			}}`,
		},
		{
			name:  "__type of an unknown name is null",
			query: `{ __type(name: "Unknown") { name } wrapped: __type(name: "String!") { name } }`,
			want:  `{"__type": null, "wrapped": null}`,
		},
		{
			name: "skip and include",
			query: `
				query($yes: Boolean!, $no: Boolean!) {
					__type(name: "Order") {
						name @skip(if: $yes)
						kind @include(if: $yes)
						description @include(if: $no)
						specifiedByURL @skip(if: false) @include(if: false)
						... @skip(if: $no) { enumValues { name } }
						... on __Type @include(if: $no) { fields { name } }
						...Interfaces @include(if: false)
						...Interfaces # a skipped spread does not count as entered
						isOneOf @skip(if: true)
						isOneOf
					}
				}
				fragment Interfaces on __Type { interfaces { name } }
			`,
			vars: map[string]any{"yes": true, "no": false},
			want: `{"__type": {
				"kind": "ENUM",
				"enumValues": [{"name": "NEWEST"}, {"name": "OLDEST"}],
				"interfaces": null,
				"isOneOf": null
			}}`,
		},
		{
			name: "wrapping types through ofType",
			query: `{ __type(name: "Post") { fields { name type {
				kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
			} } } }`,
			want: `{"__type": {"fields": [
				{"name": "id", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}},
				{"name": "title", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "String", "ofType": null}}},
				{"name": "published", "type": {"kind": "SCALAR", "name": "Date", "ofType": null}},
				{"name": "scores", "type": {"kind": "NON_NULL", "name": null, "ofType": {
					"kind": "LIST", "name": null, "ofType": {
						"kind": "LIST", "name": null, "ofType": {
							"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "Int"}}}}}}
			]}}`,
		},
		{
			name: "deprecated fields, arguments, enum values and input fields",
			query: `query($all: Boolean) {
				query: __type(name: "Query") {
					fields { name }
					all: fields(includeDeprecated: true) {
						name isDeprecated deprecationReason
						args { name }
						allArgs: args(includeDeprecated: $all) { name isDeprecated deprecationReason }
					}
				}
				user: __type(name: "User") {
					fields(includeDeprecated: false) { name }
					all: fields(includeDeprecated: true) { name isDeprecated deprecationReason }
				}
				order: __type(name: "Order") {
					enumValues { name }
					all: enumValues(includeDeprecated: true) { name isDeprecated deprecationReason }
				}
				filter: __type(name: "PostFilter") {
					inputFields { name }
					all: inputFields(includeDeprecated: $all) { name isDeprecated deprecationReason }
				}
			}`,
			vars: map[string]any{"all": true},
			want: `{
				"query": {
					"fields": [{"name": "node"}, {"name": "search"}, {"name": "user"}],
					"all": [
						{"name": "node", "isDeprecated": false, "deprecationReason": null, "args": [{"name": "id"}],
							"allArgs": [{"name": "id", "isDeprecated": false, "deprecationReason": null}]},
						{"name": "search", "isDeprecated": false, "deprecationReason": null, "args": [{"name": "text"}, {"name": "in"}],
							"allArgs": [
								{"name": "text", "isDeprecated": false, "deprecationReason": null},
								{"name": "in", "isDeprecated": false, "deprecationReason": null}]},
						{"name": "user", "isDeprecated": false, "deprecationReason": null, "args": [{"name": "by"}],
							"allArgs": [{"name": "by", "isDeprecated": false, "deprecationReason": null}]},
						{"name": "legacy", "isDeprecated": true, "deprecationReason": "No longer supported", "args": [{"name": "ratio"}],
							"allArgs": [
								{"name": "limit", "isDeprecated": true, "deprecationReason": "Ignored."},
								{"name": "ratio", "isDeprecated": false, "deprecationReason": null}]}
					]
				},
				"user": {
					"fields": [{"name": "id"}, {"name": "name"}, {"name": "posts"}],
					"all": [
						{"name": "id", "isDeprecated": false, "deprecationReason": null},
						{"name": "name", "isDeprecated": false, "deprecationReason": null},
						{"name": "nickname", "isDeprecated": true, "deprecationReason": "Use ` + "`name`" + `."},
						{"name": "posts", "isDeprecated": false, "deprecationReason": null}
					]
				},
				"order": {
					"enumValues": [{"name": "NEWEST"}, {"name": "OLDEST"}],
					"all": [
						{"name": "NEWEST", "isDeprecated": false, "deprecationReason": null},
						{"name": "OLDEST", "isDeprecated": false, "deprecationReason": null},
						{"name": "POPULAR", "isDeprecated": true, "deprecationReason": "No longer supported"}
					]
				},
				"filter": {
					"inputFields": [{"name": "tags"}, {"name": "since"}, {"name": "order"}, {"name": "note"}],
					"all": [
						{"name": "tags", "isDeprecated": false, "deprecationReason": null},
						{"name": "since", "isDeprecated": false, "deprecationReason": null},
						{"name": "order", "isDeprecated": false, "deprecationReason": null},
						{"name": "limit", "isDeprecated": true, "deprecationReason": "Use ` + "`first`" + `."},
						{"name": "note", "isDeprecated": false, "deprecationReason": null}
					]
				}
			}`,
		},
		{
			name: "interfaces and possible types in definition order",
			query: `{
				node: __type(name: "Node") { interfaces { name } possibleTypes { name } }
				named: __type(name: "Named") { interfaces { name } possibleTypes { name } }
				user: __type(name: "User") { interfaces { name } possibleTypes { name } }
				search: __type(name: "SearchResult") { interfaces { name } possibleTypes { name kind } }
				date: __type(name: "Date") { interfaces { name } possibleTypes { name } }
			}`,
			want: `{
				"node": {"interfaces": [], "possibleTypes": [{"name": "User"}, {"name": "Post"}]},
				"named": {"interfaces": [{"name": "Node"}], "possibleTypes": [{"name": "User"}]},
				"user": {"interfaces": [{"name": "Node"}, {"name": "Named"}], "possibleTypes": null},
				"search": {"interfaces": null, "possibleTypes": [{"name": "Post", "kind": "OBJECT"}, {"name": "User", "kind": "OBJECT"}]},
				"date": {"interfaces": null, "possibleTypes": null}
			}`,
		},
		{
			name: "default values print as GraphQL literals",
			query: `{
				filter: __type(name: "PostFilter") { inputFields { name defaultValue } }
				user: __type(name: "User") { fields { name args { name defaultValue } } }
				query: __type(name: "Query") { fields(includeDeprecated: true) { args(includeDeprecated: true) { name defaultValue } } }
			}`,
			want: `{
				"filter": {"inputFields": [
					{"name": "tags", "defaultValue": "[\"go\", \"graphql\"]"},
					{"name": "since", "defaultValue": null},
					{"name": "order", "defaultValue": "OLDEST"},
					{"name": "note", "defaultValue": "\"a \\\"block\\\" string\""}
				]},
				"user": {"fields": [
					{"name": "id", "args": []},
					{"name": "name", "args": []},
					{"name": "posts", "args": [
						{"name": "first", "defaultValue": "10"},
						{"name": "order", "defaultValue": "NEWEST"},
						{"name": "filter", "defaultValue": "{tags: [\"go\"], since: \"2020-01-01\"}"}
					]}
				]},
				"query": {"fields": [
					{"args": [{"name": "id", "defaultValue": null}]},
					{"args": [{"name": "text", "defaultValue": null}, {"name": "in", "defaultValue": "[NEWEST, OLDEST]"}]},
					{"args": [{"name": "by", "defaultValue": null}]},
					{"args": [{"name": "limit", "defaultValue": "5"}, {"name": "ratio", "defaultValue": "0.5"}]}
				]}
			}`,
		},
		{
			name: "fields that do not apply to a kind are null",
			query: `{
				oneOf: __type(name: "UserBy") { ...All }
				filter: __type(name: "PostFilter") { isOneOf }
				string: __type(name: "String") { ...All }
			}
			fragment All on __Type {
				kind specifiedByURL isOneOf ofType { name }
				fields { name } interfaces { name } possibleTypes { name } enumValues { name }
				inputFields { name }
			}`,
			want: `{
				"oneOf": {
					"kind": "INPUT_OBJECT", "specifiedByURL": null, "isOneOf": true, "ofType": null,
					"fields": null, "interfaces": null, "possibleTypes": null, "enumValues": null,
					"inputFields": [{"name": "id"}, {"name": "name"}]
				},
				"filter": {"isOneOf": false},
				"string": {
					"kind": "SCALAR", "specifiedByURL": null, "isOneOf": null, "ofType": null,
					"fields": null, "interfaces": null, "possibleTypes": null, "enumValues": null,
					"inputFields": null
				}
			}`,
		},
		{
			name: "__typename inside introspection objects",
			query: `{
				__schema { __typename queryType { __typename } }
				__type(name: "Mutation") {
					__typename
					t: __typename
					fields { __typename args { __typename type { __typename ofType { __typename } } } }
				}
				order: __type(name: "Order") { enumValues { __typename } }
			}`,
			want: `{
				"__schema": {"__typename": "__Schema", "queryType": {"__typename": "__Type"}},
				"__type": {
					"__typename": "__Type",
					"t": "__Type",
					"fields": [{"__typename": "__Field", "args": [
						{"__typename": "__InputValue", "type": {"__typename": "__Type", "ofType": {"__typename": "__Type"}}},
						{"__typename": "__InputValue", "type": {"__typename": "__Type", "ofType": {"__typename": "__Type"}}}
					]}]
				},
				"order": {"enumValues": [{"__typename": "__EnumValue"}, {"__typename": "__EnumValue"}]}
			}`,
		},
		{
			name:  "schema description and the types list",
			query: `{ __schema { description types { name } } }`,
			want: `{"__schema": {
				"description": "The Trellis introspection test API.",
				"types": [
					{"name": "Boolean"}, {"name": "Date"}, {"name": "Float"}, {"name": "ID"}, {"name": "Int"},
					{"name": "Mutation"}, {"name": "Named"}, {"name": "Node"}, {"name": "Order"}, {"name": "Post"},
					{"name": "PostFilter"}, {"name": "Query"}, {"name": "SearchResult"}, {"name": "String"},
					{"name": "User"}, {"name": "UserBy"},
					{"name": "__Directive"}, {"name": "__DirectiveLocation"}, {"name": "__EnumValue"},
					{"name": "__Field"}, {"name": "__InputValue"}, {"name": "__Schema"}, {"name": "__Type"},
					{"name": "__TypeKind"}
				]
			}}`,
		},
		{
			name:  "directives",
			query: `{ __schema { directives { __typename name isRepeatable locations args { name defaultValue type { kind } } } } }`,
			want: `{"__schema": {"directives": [
				{"__typename": "__Directive", "name": "cacheControl", "isRepeatable": true, "locations": ["FIELD_DEFINITION", "OBJECT"],
					"args": [{"name": "maxAge", "defaultValue": null, "type": {"kind": "SCALAR"}},
						{"name": "scope", "defaultValue": "\"PUBLIC\"", "type": {"kind": "SCALAR"}}]},
				{"__typename": "__Directive", "name": "defer", "isRepeatable": false, "locations": ["FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
					"args": [{"name": "if", "defaultValue": "true", "type": {"kind": "SCALAR"}},
						{"name": "label", "defaultValue": null, "type": {"kind": "SCALAR"}}]},
				{"__typename": "__Directive", "name": "deprecated", "isRepeatable": false,
					"locations": ["FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE", "DIRECTIVE_DEFINITION"],
					"args": [{"name": "reason", "defaultValue": "\"No longer supported\"", "type": {"kind": "SCALAR"}}]},
				{"__typename": "__Directive", "name": "include", "isRepeatable": false, "locations": ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
					"args": [{"name": "if", "defaultValue": null, "type": {"kind": "NON_NULL"}}]},
				{"__typename": "__Directive", "name": "oneOf", "isRepeatable": false, "locations": ["INPUT_OBJECT"], "args": []},
				{"__typename": "__Directive", "name": "skip", "isRepeatable": false, "locations": ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
					"args": [{"name": "if", "defaultValue": null, "type": {"kind": "NON_NULL"}}]},
				{"__typename": "__Directive", "name": "specifiedBy", "isRepeatable": false, "locations": ["SCALAR"],
					"args": [{"name": "url", "defaultValue": null, "type": {"kind": "NON_NULL"}}]}
			]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encode(t, execute(t, s, tt.query, tt.vars))
			if want := normalJSON(t, []byte(tt.want)); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
