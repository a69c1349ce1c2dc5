package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// String prints the plan in the text form shared by Apollo's and Hive's planners, the
// format of the golden files:
//
//	QueryPlan {
//	  Fetch(service: "products") {
//	    {
//	      topProducts {
//	        name
//	      }
//	    }
//	  },
//	}
func (p *Plan) String() string {
	var w planWriter
	w.line(0, "QueryPlan {")
	if p.Node != nil {
		w.node(1, p.Node)
	}
	w.line(0, "}")
	return w.b.String()
}

type planWriter struct{ b strings.Builder }

func (w *planWriter) line(depth int, s string) {
	w.b.WriteString(strings.Repeat("  ", depth))
	w.b.WriteString(s)
	w.b.WriteByte('\n')
}

func (w *planWriter) node(depth int, n *Node) {
	switch n.Kind {
	case KindSequence, KindParallel:
		w.line(depth, n.Kind+" {")
		for _, c := range n.Nodes {
			w.node(depth+1, c)
		}
		w.line(depth, "},")
	case KindBatch:
		w.line(depth, fmt.Sprintf("Batch(service: %q) {", n.Fetch.Service))
		for _, c := range n.Nodes {
			w.node(depth+1, c)
		}
		w.line(depth, "},")
	case KindFlatten:
		w.line(depth, fmt.Sprintf("Flatten(path: %q) {", PathString(n.Path)))
		w.node(depth+1, n.Node)
		w.line(depth, "},")
	case KindFetch:
		w.fetch(depth, n.Fetch)
	}
}

func (w *planWriter) fetch(depth int, f *Fetch) {
	w.line(depth, fmt.Sprintf("Fetch(service: %q) {", f.Service))
	doc, err := parser.ParseQuery(&ast.Source{Input: f.Operation})
	if err != nil || len(doc.Operations) != 1 {
		w.line(depth+1, f.Operation)
		w.line(depth, "},")
		return
	}
	op := doc.Operations[0]
	if !f.IsEntityFetch() {
		head := "{"
		if op.Operation == ast.Mutation || len(op.VariableDefinitions) > 0 {
			head = string(op.Operation) + variableDecls(op.VariableDefinitions) + " {"
		}
		w.selection(depth+1, head, op.SelectionSet)
		w.line(depth, "},")
		return
	}
	var texts []string
	for _, r := range f.Requires {
		if !slices.Contains(texts, r.Text) {
			texts = append(texts, r.Text) // several types sent as one interface print once
		}
	}
	for i, text := range texts {
		rdoc, err := parser.ParseQuery(&ast.Source{Input: text})
		if err != nil {
			w.line(depth+1, text)
			continue
		}
		suffix := ""
		if i == len(texts)-1 {
			suffix = " =>"
		}
		w.selectionEnd(depth+1, "{", rdoc.Operations[0].SelectionSet, "}"+suffix)
	}
	var entities ast.SelectionSet
	if len(op.SelectionSet) == 1 {
		if fd, ok := op.SelectionSet[0].(*ast.Field); ok {
			entities = fd.SelectionSet
		}
	}
	head := "{"
	if vars := op.VariableDefinitions; len(vars) > 1 {
		head = "query" + variableDecls(vars[1:]) + " {"
	}
	w.selection(depth+1, head, entities)
	w.line(depth, "},")
}

func variableDecls(vars ast.VariableDefinitionList) string {
	if len(vars) == 0 {
		return ""
	}
	parts := make([]string, len(vars))
	for i, v := range vars {
		parts[i] = "$" + v.Variable + ": " + v.Type.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (w *planWriter) selection(depth int, head string, set ast.SelectionSet) {
	w.selectionEnd(depth, head, set, "}")
}

func (w *planWriter) selectionEnd(depth int, head string, set ast.SelectionSet, end string) {
	w.line(depth, head)
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			text := s.Name
			if s.Alias != "" && s.Alias != s.Name {
				text = s.Alias + ": " + s.Name
			}
			var b strings.Builder
			writeArgs(&b, s.Arguments)
			text += b.String()
			if len(s.SelectionSet) == 0 {
				w.line(depth+1, text)
				continue
			}
			w.selection(depth+1, text+" {", s.SelectionSet)
		case *ast.InlineFragment:
			w.selection(depth+1, "... on "+s.TypeCondition+" {", s.SelectionSet)
		}
	}
	w.line(depth, end)
}
