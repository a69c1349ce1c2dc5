package satisfy

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestGeneratedSatisfiable(t *testing.T) {
	g := genGraph{nTypes: 2000, nGraphs: 50, nHubs: 10, refs: 4, seed: 7}
	sg := loadSDL(t, "generated", g.sdl())
	c := newChecker(sg, MaxSteps)
	w := c.walker(false)
	for _, r := range c.roots() {
		w.start(r)
	}
	w.run()
	if len(w.errs) > 0 || c.cut {
		t.Fatalf("generated graph: %d errors, cut %v: %v", len(w.errs), c.cut, c.result(w))
	}
	t.Logf("steps %d, options %d, closures %d, advances %d, collected %d", c.used, len(c.opts), len(c.closures), len(c.advances), len(c.collected))
}

func BenchmarkCheckGenerated(b *testing.B) {
	g := genGraph{nTypes: 2000, nGraphs: 50, nHubs: 10, refs: 4, seed: 7}
	sg := loadSDL(b, "generated", g.sdl())
	b.ReportAllocs()
	for b.Loop() {
		if errs := Check(sg); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
}

func TestDeepChain(t *testing.T) {
	if errs := Check(loadSDL(t, "chain", chain(300, false))); len(errs) > 0 {
		t.Fatalf("a satisfiable chain of 300 types: %v", errs[0])
	}
	errs := Check(loadSDL(t, "chain", chain(300, true)))
	if len(errs) != 1 || errs[0].Coordinate != "C299.v" {
		t.Fatalf("want one error on C299.v, got %v", errs)
	}
	if n := strings.Count(errs[0].Message, "next {"); n != 299 {
		t.Errorf("the witness should follow next 299 times, follows it %d times:\n%s", n, errs[0].Message)
	}
}

// TestBudget cuts the walk of a long chain: the result says so, and reports no error it did
// not prove (the broken field at the bottom is never reached).
func TestBudget(t *testing.T) {
	sg := loadSDL(t, "chain", chain(300, true))
	errs, _ := check(context.Background(), sg, 100)
	if len(errs) != 1 || errs[0].Coordinate != "" || !strings.Contains(errs[0].Message, "stopped after 100 steps") {
		t.Fatalf("want only the cut error, got %v", errs)
	}
}

func TestCheckNil(t *testing.T) {
	if errs := Check(nil); errs != nil {
		t.Fatalf("Check(nil) = %v, want nil", errs)
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Code: CodeSatisfiability, Coordinate: "T.f", Message: "The following supergraph API query:"}
	if got, want := e.Error(), "SATISFIABILITY_ERROR: The following supergraph API query:"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

// TestConcurrent runs Check on one supergraph from several goroutines (go test -race): it
// only reads the supergraph.
func TestConcurrent(t *testing.T) {
	sg := loadCase(t, "testdata/downcast-unreachable.graphql")
	want := formatErrors(Check(sg))
	done := make(chan string)
	for i := 0; i < 4; i++ {
		go func() { done <- formatErrors(Check(sg)) }()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; got != want {
			t.Errorf("concurrent run differs:\n%s", got)
		}
	}
}

// TestDeterministic runs every golden case several times: memo tables are maps, and their
// iteration order must never leak into the result.
func TestDeterministic(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.graphql")
	for _, f := range files {
		sg := loadCase(t, f)
		first := formatErrors(Check(sg))
		for i := 0; i < 5; i++ {
			if got := formatErrors(Check(sg)); got != first {
				t.Fatalf("%s: run %d differs:\n%s\n--- first:\n%s", f, i, got, first)
			}
		}
	}
}
