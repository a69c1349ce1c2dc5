package executor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// document is a query text parsed and validated once, kept in the document cache by its text.
// It is read-only once built and shared by concurrent requests.
type document struct {
	doc  *ast.QueryDocument
	errs *requestError // the parse or validation failure, if any (cached too)
	// condVars are the variables that decide an @skip or @include: the only variables a
	// normalized operation depends on.
	condVars []string
}

// document returns the parsed and validated query, from the cache when seen before.
func (st *state) document(query string, maxTokens int, limits Limits) *document {
	if st.docs != nil {
		if d, ok := st.docs.Get(query); ok {
			return d
		}
	}
	d := &document{}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Name: "operation", Input: query}, maxTokens)
	switch {
	case err != nil:
		d.errs = &requestError{errs: fromGQL(CodeParseFailed, err)}
	case limits.check(doc) != nil:
		d.errs = limits.check(doc)
	default:
		if errs := validator.ValidateWithRules(st.sg.API, doc, nil); len(errs) > 0 {
			d.errs = &requestError{errs: fromGQLList(CodeValidationFailed, errs)}
		} else {
			d.doc, d.condVars = doc, conditionVariables(doc)
		}
	}
	if st.docs != nil {
		st.docs.Set(query, d, int64(len(query))+64)
	}
	return d
}

// normalized returns the normalized operation, from the cache when the same text, operation
// and @skip/@include outcomes were normalized before.
func (st *state) normalized(query string, d *document, op *ast.OperationDefinition, vars map[string]any) (*planner.Operation, error) {
	var key strings.Builder
	key.WriteString(op.Name)
	key.WriteByte(0)
	for _, v := range d.condVars {
		fmt.Fprintf(&key, "%s=%v,", v, vars[v])
	}
	key.WriteByte(0)
	key.WriteString(query)
	if st.ops != nil {
		if norm, ok := st.ops.Get(key.String()); ok {
			return norm, nil
		}
	}
	norm, err := planner.Normalize(st.sg.API, op, vars)
	if err == nil && st.ops != nil {
		// Charged by the normalized size: fragments can make it far larger than the text.
		st.ops.Set(key.String(), norm, int64(key.Len()+len(norm.Key))+64)
	}
	return norm, err
}

// conditionVariables lists, sorted, the variables used by @skip and @include in doc.
func conditionVariables(doc *ast.QueryDocument) []string {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	directives := func(dirs ast.DirectiveList) {
		for _, d := range dirs {
			if d.Name != "skip" && d.Name != "include" {
				continue
			}
			if a := d.Arguments.ForName("if"); a != nil && a.Value != nil && a.Value.Kind == ast.Variable {
				seen[a.Value.Raw] = true
			}
		}
	}
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				directives(s.Directives)
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				directives(s.Directives)
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				directives(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
