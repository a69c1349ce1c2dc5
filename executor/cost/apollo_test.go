package cost_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// apolloCustomCost is the schema of Apollo Router's demand-control fixture
// custom_cost_schema.graphql (its join directives left out), and apolloCustomCostResponse
// that fixture's response; Apollo's tests expect the numbers TestApolloCustomCost checks.
const apolloCustomCost = `
type Query {
  fieldWithCost: Int @cost(weight: "5")
  argWithCost(arg: Int @cost(weight: "10")): Int
  enumWithCost: AorB
  inputWithCost(someInput: InputTypeWithCost): Int
  scalarWithCost: ExpensiveInt
  objectWithCost: ExpensiveObject
  fieldWithListSize: [String!] @listSize(assumedSize: 2000, requireOneSlicingArgument: false)
  fieldWithDynamicListSize(first: Int = 10): SizedField @listSize(slicingArguments: ["first"], sizedFields: ["items"], requireOneSlicingArgument: true)
}
type A { id: ID }
enum AorB @cost(weight: "15") { A B }
scalar ExpensiveInt @cost(weight: "30")
type ExpensiveObject @cost(weight: "40") { id: ID }
input InputTypeWithCost { somethingWithCost: Int @cost(weight: "20") }
type SizedField { items: [A] }
`

const apolloCustomCostResponse = `{
  "fieldWithCost": 1, "argWithCost": 2, "enumWithCost": "A", "inputWithCost": 3, "scalarWithCost": 4,
  "objectWithCost": {"id": 5},
  "fieldWithListSize": ["first", "second", "third"],
  "fieldWithDynamicListSize": {"items": [{"id": 6}, {"id": 7}, {"id": 8}]}
}`

func TestApolloCustomCost(t *testing.T) {
	const common = `fieldWithCost argWithCost(arg: 3) enumWithCost scalarWithCost objectWithCost { id } fieldWithListSize`
	cases := []struct {
		name, query     string
		vars            map[string]any
		estimate, total float64
	}{
		// 5 + 10 (arg) + 15 (enum) + 21 (input object 1 + field 20) + 30 (scalar) + 40 (object)
		// + 2000 × 0 (strings) + 1 (SizedField) + 5 × 1 (items) = 127.
		// Actual: the same but 3 items: 125.
		{"literal", `fragment Items on SizedField { items { id } }
			{ ` + common + ` inputWithCost(someInput: {somethingWithCost: 10}) fieldWithDynamicListSize(first: 5) { ...Items } }`,
			nil, 127, 125},
		// first defaults to 10: 10 items instead of 5.
		{"default slicing argument", `fragment Items on SizedField { items { id } }
			{ ` + common + ` inputWithCost(someInput: {somethingWithCost: 10}) fieldWithDynamicListSize { ...Items } }`,
			nil, 132, 125},
		{"variables", `fragment Items on SizedField { items { id } }
			query VariableTestQuery($costlyInput: InputTypeWithCost, $fieldCountVar: Int) {
				` + common + ` inputWithCost(someInput: $costlyInput) fieldWithDynamicListSize(first: $fieldCountVar) { ...Items } }`,
			map[string]any{"costlyInput": map[string]any{"somethingWithCost": 10}, "fieldCountVar": 5}, 127, 125},
	}
	renamed := strings.NewReplacer("@cost(", "@weight(", "@listSize(", "@size(").Replace(apolloCustomCost + costDirectives)
	for _, schema := range []struct{ name, link, body string }{
		{"linked", linked, apolloCustomCost},
		{"renamed", `@link(url: "https://specs.apollo.dev/cost/v0.1", import: [{name: "@cost", as: "@weight"}, {name: "@listSize", as: "@size"}])`, renamed},
	} {
		sg := load(t, schema.link, schema.body)
		calc := calculator(t, sg)
		var data map[string]any
		if err := json.Unmarshal([]byte(apolloCustomCostResponse), &data); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(schema.name+"/"+c.name, func(t *testing.T) {
				op, vars := operation(t, sg, c.query, c.vars)
				if est := calc.Estimate(op, vars); est.Cost != c.estimate || est.Slicing != nil {
					t.Errorf("Estimate = %+v; want %v", est, c.estimate)
				}
				if got := calc.Actual(op, vars, asTree(data)); got != c.total {
					t.Errorf("Actual = %v; want %v", got, c.total)
				}
			})
		}
	}
}

// TestIBMExample is the IBM cost spec's first example, in a schema that defines the
// directives without linking a spec (string weights): 5 users × (1 + age 2.0) = 15.
func TestIBMExample(t *testing.T) {
	sg := load(t, "", `
type User { name: String age: Int @cost(weight: "2.0") }
type Query { users(max: Int): [User] @listSize(slicingArguments: ["max"]) }
`)
	calc := calculator(t, sg)
	op, vars := operation(t, sg, `query Example { users(max: 5) { age } }`, nil)
	if est := calc.Estimate(op, vars); est.Cost != 15 {
		t.Fatalf("Estimate = %+v; want 15", est)
	}
}
