package cost_test

import (
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"
)

// costDirectives are the cost spec's directives as recent Apollo composition writes them in a
// supergraph (weights as strings).
const costDirectives = `
directive @cost(weight: String!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
`

// load builds a one-graph supergraph around body. link is the cost spec's @link, or "" for an
// IBM-style schema that only defines the directives.
func load(t testing.TB, link, body string) *supergraph.Supergraph {
	t.Helper()
	sg, err := loadErr(link, body)
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

// loadErr loads a supergraph of one graph with the cost directives defined and body added.
func loadErr(link, body string) (*supergraph.Supergraph, error) {
	roots := "query: Query"
	if strings.Contains(body, "type Mutation") {
		roots += " mutation: Mutation"
	}
	sdl := `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  ` + link + ` {
  ` + roots + `
}
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { A @join__graph(name: "a", url: "http://a") }
` + costDirectives + body
	return supergraph.Load("test.graphql", sdl)
}

const linked = `@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])`

// operation parses, validates, coerces raw variables and normalizes src, as the executor does.
func operation(t testing.TB, sg *supergraph.Supergraph, src string, raw map[string]any) (*planner.Operation, map[string]any) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, src, nil)
	if errs != nil {
		t.Fatalf("%s: %v", src, errs)
	}
	vars, err := validator.VariableValues(sg.API, doc.Operations[0], raw)
	if err != nil {
		t.Fatal(err)
	}
	op, err := planner.Normalize(sg.API, doc.Operations[0], vars)
	if err != nil {
		t.Fatal(err)
	}
	return op, vars
}

// calculator builds a Calculator with the default weights and a list size of 10.
func calculator(t testing.TB, sg *supergraph.Supergraph) *cost.Calculator {
	t.Helper()
	cfg := cost.DefaultConfig()
	cfg.Mode = cost.ModeEnforce
	c, err := cost.New(cfg, sg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
