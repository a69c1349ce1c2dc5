package planner_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

const corpusDir = "../testdata/federation"

// corpusOp is one operation of the conformance corpus, ready to plan.
type corpusOp struct {
	name   string
	sg     *supergraph.Supergraph
	op     *ast.OperationDefinition
	vars   map[string]any
	labels map[string]bool
	golden string
}

// loadCorpus reads every corpus operation that validates (some cases check validation
// errors on purpose) and whose labels are deterministic.
func loadCorpus(tb testing.TB) []corpusOp {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "operations", "*.graphql"))
	if len(files) == 0 {
		tb.Fatal("no corpus operations")
	}
	sgs := map[string]*supergraph.Supergraph{}
	var out []corpusOp
	for _, f := range files {
		caseDir := filepath.Dir(filepath.Dir(f))
		sg := sgs[caseDir]
		if sg == nil {
			b, err := os.ReadFile(filepath.Join(caseDir, "supergraph.graphql"))
			if err != nil {
				tb.Fatal(err)
			}
			if sg, err = supergraph.Load(caseDir, string(b)); err != nil {
				tb.Fatalf("%s: %v", caseDir, err)
			}
			sgs[caseDir] = sg
		}
		src, _ := os.ReadFile(f)
		doc, err := parser.ParseQuery(&ast.Source{Input: string(src)})
		if err != nil || len(validator.ValidateWithRules(sg.API, doc, nil)) > 0 {
			continue
		}
		c := corpusOp{name: filepath.Base(caseDir) + "/" + strings.TrimSuffix(filepath.Base(f), ".graphql"), sg: sg,
			golden: strings.TrimSuffix(f, ".graphql") + ".plan", labels: map[string]bool{}}
		c.op = doc.Operations.ForName(header(string(src), "operationName"))
		if c.op == nil {
			continue
		}
		var raw map[string]any
		if v := header(string(src), "variables"); v != "" {
			json.Unmarshal([]byte(v), &raw)
		}
		if c.vars, err = validator.VariableValues(sg.API, c.op, raw); err != nil {
			continue
		}
		deterministic := true
		for _, l := range sg.OverrideLabels {
			switch {
			case l == "percent(0)":
			case l == "percent(100)":
				c.labels[l] = true
			case strings.HasPrefix(l, "percent("):
				deterministic = false
			}
		}
		if h := header(string(src), "labels"); h != "" {
			for _, l := range strings.Split(h, ",") {
				c.labels[strings.TrimSpace(l)] = true
			}
		}
		if deterministic {
			out = append(out, c)
		}
	}
	return out
}

func header(src, key string) string {
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func (c corpusOp) plan(tb testing.TB) *planner.Plan {
	norm, err := planner.Normalize(c.sg.API, c.op, c.vars)
	if err != nil {
		tb.Fatalf("%s: normalize: %v", c.name, err)
	}
	p, err := planner.Build(c.sg, norm, planner.Options{Labels: c.labels})
	if err != nil {
		tb.Fatalf("%s: plan: %v", c.name, err)
	}
	return p
}

// TestCorpusPlans plans every corpus operation without executing it: the plan equals the
// golden file the conformance test also checks, is the same on every run, and is sound.
func TestCorpusPlans(t *testing.T) {
	for _, c := range loadCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			p := c.plan(t)
			text := p.String()
			if want, err := os.ReadFile(c.golden); err == nil && strings.TrimSpace(string(want)) != strings.TrimSpace(text) {
				t.Errorf("plan differs from %s:\n%s", c.golden, text)
			}
			for i := 0; i < 10; i++ {
				if again := c.plan(t).String(); again != text {
					t.Fatalf("plan is not deterministic:\n%s\n---\n%s", text, again)
				}
			}
			checkSound(t, p)
			if _, err := json.Marshal(p); err != nil {
				t.Errorf("plan does not serialize: %v", err)
			}
		})
	}
}

// checkSound verifies structural rules every plan must keep: each subgraph operation
// parses, entity fetches sit under a Flatten and carry requirements, root fetches do not.
func checkSound(t *testing.T, p *planner.Plan) {
	p.Walk(func(n *planner.Node) {
		switch n.Kind {
		case planner.KindFlatten:
			if n.Node == nil || n.Node.Kind != planner.KindFetch || !n.Node.Fetch.IsEntityFetch() {
				t.Errorf("Flatten(%s) does not hold an entity fetch", planner.PathString(n.Path))
			}
			if len(n.Path) == 0 {
				t.Error("Flatten with an empty path")
			}
		case planner.KindFetch:
			if _, err := parser.ParseQuery(&ast.Source{Input: n.Fetch.Operation}); err != nil {
				t.Errorf("fetch to %s does not parse: %v\n%s", n.Fetch.Service, err, n.Fetch.Operation)
			}
			if n.Fetch.IsEntityFetch() != strings.Contains(n.Fetch.Operation, "_entities(") {
				t.Errorf("fetch to %s: requirements and _entities disagree", n.Fetch.Service)
			}
		case planner.KindBatch:
			for _, c := range n.Nodes {
				if c.Kind != planner.KindFlatten || c.Node.Fetch.Service != n.Fetch.Service {
					t.Errorf("Batch(%s) holds a %s to another subgraph", n.Fetch.Service, c.Kind)
				}
			}
			if _, err := parser.ParseQuery(&ast.Source{Input: n.Fetch.Operation}); err != nil {
				t.Errorf("batch to %s does not parse: %v", n.Fetch.Service, err)
			}
		case planner.KindSequence, planner.KindParallel:
			if len(n.Nodes) < 2 {
				t.Errorf("%s with %d children", n.Kind, len(n.Nodes))
			}
		}
	})
}

// BenchmarkCorpus plans each corpus operation (a plan-cache miss).
func BenchmarkCorpus(b *testing.B) {
	for _, c := range loadCorpus(b) {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				norm, err := planner.Normalize(c.sg.API, c.op, c.vars)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := planner.Build(c.sg, norm, planner.Options{Labels: c.labels}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
