package supergraph_test

import (
	"errors"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/supergraph"
)

func fixture(t *testing.T) string {
	b, err := os.ReadFile("../../examples/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadBenchmarkSupergraph(t *testing.T) {
	sg, err := supergraph.Load("supergraph.graphql", fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	var graphs []string
	for _, g := range sg.Graphs {
		graphs = append(graphs, g.Name+"="+g.URL)
	}
	if got := strings.Join(graphs, " "); got != "accounts=http://127.0.0.1:4001/graphql inventory=http://127.0.0.1:4003/graphql products=http://127.0.0.1:4002/graphql reviews=http://127.0.0.1:4004/graphql" {
		t.Errorf("graphs: %s", got)
	}
	if sg.JoinVersion != "0.3" {
		t.Errorf("join version %q", sg.JoinVersion)
	}
	cases := []struct {
		graph, typ, field string
		want              bool
	}{
		{"products", "Product", "price", true},
		{"inventory", "Product", "price", false}, // external
		{"inventory", "Product", "upc", true},    // key
		{"inventory", "Product", "shippingEstimate", true},
		{"reviews", "User", "username", false}, // external, provided only through Review.author
		{"accounts", "User", "username", true},
		{"accounts", "Product", "upc", false}, // accounts does not know Product
		{"reviews", "Review", "__typename", true},
	}
	for _, c := range cases {
		if got := sg.Resolvable(c.graph, c.typ, c.field, nil); got != c.want {
			t.Errorf("Resolvable(%s, %s.%s) = %v, want %v", c.graph, c.typ, c.field, got, c.want)
		}
	}
	keys := sg.Types["Product"].In["inventory"].Keys
	if len(keys) != 1 || keys[0].Fields != "upc" || !keys[0].Resolvable {
		t.Errorf("inventory Product keys: %+v", keys)
	}
	if raw := sg.Types["Product"].Fields["shippingEstimate"].In["inventory"].RequiresRaw; raw != "price weight" {
		t.Errorf("requires %q", raw)
	}
	for name := range sg.API.Types {
		if strings.HasPrefix(name, "join__") || strings.HasPrefix(name, "link__") {
			t.Errorf("API schema exposes %s", name)
		}
	}
	for name := range sg.API.Directives {
		if strings.HasPrefix(name, "join__") || name == "link" || name == "defer" {
			t.Errorf("API schema exposes directive @%s", name)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	base := fixture(t)
	cases := []struct {
		name string
		sdl  string
		want string
	}{
		{"syntax error", "type Query {", "bad.graphql:1:13: Expected Name, found <EOF>"},
		{"not a supergraph", "type Query { a: Int }", "bad.graphql: no join spec linked"},
		{"unsupported execution spec",
			strings.Replace(base, `@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)`,
				`@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) @link(url: "https://specs.example.com/magic/v1.0", for: EXECUTION)`, 1),
			`bad.graphql:3:69: https://specs.example.com/magic/v1.0 is linked for EXECUTION, but Trellis does not implement the "magic" spec`},
		{"unsupported security spec",
			strings.Replace(base, `@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)`,
				`@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) @link(url: "https://example.com/rbac/v0.1", for: SECURITY)`, 1),
			`is linked for SECURITY, but Trellis does not implement the "rbac" spec`},
		{"unsupported join version",
			strings.Replace(base, "join/v0.3", "join/v0.9", 1),
			`https://specs.apollo.dev/join/v0.9 is linked for EXECUTION, but Trellis implements only versions 0.1, 0.2, 0.3, 0.4, 0.5 of "join"`},
		{"unknown graph", strings.Replace(base, "@join__field(graph: ACCOUNTS)\n  user(", "@join__field(graph: NOPE)\n  user(", 1),
			"graph NOPE is not a value of join__Graph"},
		{"bad field set", strings.Replace(base, `requires: "price weight"`, `requires: "price {"`, 1),
			`field set "price {" on Product does not parse`},
		{"unknown field in a requirement", strings.Replace(base, `requires: "price weight"`, `requires: "price height"`, 1),
			`field set "price height" on Product: Product has no field "height"`},
		{"unknown field in a key", strings.Replace(base, `key: "upc")`, `key: "sku")`, 1),
			`field set "sku" on Product: Product has no field "sku"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := supergraph.Load("bad.graphql", c.sdl)
			if err == nil {
				t.Fatal("loaded")
			}
			var es supergraph.Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %T is not supergraph.Errors", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q lacks %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "bad.graphql") {
				t.Fatalf("error %q does not name the file", err)
			}
		})
	}
}

func TestInaccessibleLeavesAPI(t *testing.T) {
	sdl := strings.Replace(fixture(t), `@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)`,
		`@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)`, 1)
	sdl = strings.Replace(sdl, "  birthday: Int @join__field(graph: ACCOUNTS)", "  birthday: Int @join__field(graph: ACCOUNTS) @inaccessible", 1)
	sdl += "\ndirective @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION\n"
	sg, err := supergraph.Load("s.graphql", sdl)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, f := range sg.API.Types["User"].Fields {
		fields = append(fields, f.Name)
	}
	sort.Strings(fields)
	if got := strings.Join(fields, " "); got != "id name reviews username" {
		t.Errorf("API User fields: %s", got)
	}
	if sg.Schema.Types["User"].Fields.ForName("birthday") == nil || !sg.Resolvable("accounts", "User", "birthday", nil) {
		t.Error("inaccessible field must stay in the supergraph for keys and requirements")
	}
	if sg.API.Directives["inaccessible"] != nil {
		t.Error("API schema exposes @inaccessible")
	}
}
