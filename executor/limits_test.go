package executor

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestOperationLimits(t *testing.T) {
	deep := "{ me { " + strings.Repeat("reviews { author { ", 5) + "id" + strings.Repeat(" } }", 5) + " } }"
	cases := []struct {
		name   string
		limits Limits
		query  string
		want   string // "" when accepted
	}{
		{"within every limit", DefaultLimits(), `{ a: me { id } b: me { id @skip(if: false) } }`, ""},
		{"depth", Limits{MaxDepth: 10}, deep, "the operation's selection depth is 12, over the limit of 10"},
		{"depth through fragments", Limits{MaxDepth: 3},
			`{ me { ...F } } fragment F on User { reviews { author { id } } }`, "selection depth is 4, over the limit of 3"},
		{"cyclic fragments do not hang", Limits{MaxDepth: 3},
			`{ me { ...F } } fragment F on User { reviews { author { ...F } } }`, ""},
		{"aliases", Limits{MaxAliases: 1}, `{ a: me { id } b: me { x: id } }`, "number of aliases is 3, over the limit of 1"},
		{"root fields", Limits{MaxRootFields: 2}, `{ a: me { id } b: me { id } ...R } fragment R on Query { c: me { id } }`,
			"number of root fields is 3, over the limit of 2"},
		{"directives", Limits{MaxDirectives: 2}, `{ me @skip(if: false) { id @include(if: true) ...F @skip(if: false) } } fragment F on User { id }`,
			"number of directives is 3, over the limit of 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: c.query})
			if err != nil {
				t.Fatal(err)
			}
			rerr := c.limits.check(doc)
			switch {
			case c.want == "" && rerr != nil:
				t.Fatalf("refused: %s", rerr.errs[0].Message)
			case c.want != "" && rerr == nil:
				t.Fatal("accepted")
			case c.want != "" && !strings.Contains(rerr.errs[0].Message, c.want):
				t.Fatalf("message %q lacks %q", rerr.errs[0].Message, c.want)
			}
		})
	}
}
