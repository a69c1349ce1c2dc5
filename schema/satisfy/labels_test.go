package satisfy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// labelRing is the supergraph of two subgraphs where B has T0 -(f_i)-> T1 -(g)-> T0 and A
// takes every f_i from B under its own progressive-override label "flag_i": a path around
// the ring can decide any subset of the k labels. Satisfiable. Before the walk kept only the
// last label a path decided, Check took 5 s at k=10 and about four times more per label.
func labelRing(k int) string {
	var b strings.Builder
	b.WriteString(`enum join__Graph {
  A @join__graph(name: "a", url: "http://a")
  B @join__graph(name: "b", url: "http://b")
}

type Query @join__type(graph: A) @join__type(graph: B) {
  root: T0 @join__field(graph: B)
}

type T0 @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
`)
	for i := 0; i < k; i++ {
		fmt.Fprintf(&b, "  f%d: T1 @join__field(graph: A, override: \"b\", overrideLabel: \"flag_%d\") @join__field(graph: B, overrideLabel: \"flag_%d\")\n", i, i, i)
	}
	b.WriteString(`}

type T1 @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  g: T0 @join__field(graph: B)
}
`)
	return b.String()
}

// labelLoop is labelRing folded onto one type: T.f_i returns T itself, so the labels of T's
// fields stay relevant all along the path (they are not forgotten on leaving the type).
func labelLoop(k int) string {
	var b strings.Builder
	b.WriteString(`enum join__Graph {
  A @join__graph(name: "a", url: "http://a")
  B @join__graph(name: "b", url: "http://b")
}

type Query @join__type(graph: A) @join__type(graph: B) {
  root: T @join__field(graph: B)
}

type T @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
`)
	for i := 0; i < k; i++ {
		fmt.Fprintf(&b, "  f%d: T @join__field(graph: A, override: \"b\", overrideLabel: \"flag_%d\") @join__field(graph: B, overrideLabel: \"flag_%d\")\n", i, i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

// steps runs a whole check and returns the steps it used.
func steps(t *testing.T, body string) int {
	t.Helper()
	sg := loadSDL(t, "labels", body)
	c := newChecker(sg, MaxSteps)
	w := c.walker(false)
	for _, r := range c.roots() {
		w.start(r)
	}
	w.run()
	c.checkMutations(w)
	if errs := c.result(w); len(errs) > 0 {
		t.Fatalf("want satisfiable, got %v", errs)
	}
	return c.used
}

// TestManyOverrideLabels: 30 labels (and up to 240) check at once, and the work grows at
// most quadratically with the labels (linearly on the ring). Run with -timeout: before, k=30
// did not finish.
func TestManyOverrideLabels(t *testing.T) {
	for _, gen := range []struct {
		name string
		sdl  func(int) string
	}{{"ring", labelRing}, {"loop", labelLoop}} {
		var prev int
		for _, k := range []int{30, 60, 120, 240} {
			start := time.Now()
			n := steps(t, gen.sdl(k))
			t.Logf("%s k=%d: %d steps, %v", gen.name, k, n, time.Since(start))
			if prev > 0 && n > 5*prev {
				t.Errorf("%s: %d steps at k=%d after %d at half as many labels: more than quadratic", gen.name, n, k, prev)
			}
			prev = n
		}
	}
}

func BenchmarkCheckLabelRing(b *testing.B) {
	for _, k := range []int{10, 30, 64} {
		sg := loadSDL(b, "ring", labelRing(k))
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			for b.Loop() {
				if errs := Check(sg); len(errs) > 0 {
					b.Fatal(errs[0])
				}
			}
		})
	}
}

// TestCheckContext: a done context stops the check with its error, at its next look.
func TestCheckContext(t *testing.T) {
	g := genGraph{nTypes: 2000, nGraphs: 50, nHubs: 10, refs: 4, seed: 7}
	sg := loadSDL(t, "generated", g.sdl())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if errs, err := CheckContext(ctx, sg); !errors.Is(err, context.Canceled) || len(errs) > 0 {
		t.Fatalf("cancelled before: %v, %v", errs, err)
	}
	// Cancelled once the walk is under way: the first look (before walking) passes, the next
	// (after pollEvery steps) stops it, and it looks no more.
	mid := cancelAfter(2)
	errs, err := CheckContext(mid, sg)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "satisfiability check cancelled") {
		t.Fatalf("cancelled mid-walk: %v", err)
	}
	if n := mid.calls.Load(); n != 2 {
		t.Errorf("the check looked at its context %d times, want 2 (it must stop at the first look after)", n)
	}
	for _, e := range errs {
		if e.Coordinate == "" {
			t.Errorf("a cancelled check must not add the budget error: %v", e)
		}
	}
	if errs, err := CheckContext(context.Background(), sg); err != nil || len(errs) > 0 {
		t.Fatalf("not cancelled: %v, %v", errs, err)
	}
}

// pollCtx is a context that says it is cancelled from its n-th Err() on: it shows that a
// function looks at its context while it works, without measuring time.
type pollCtx struct {
	context.Context
	calls atomic.Int64
	after int64
	done  chan struct{}
}

func cancelAfter(n int64) *pollCtx {
	return &pollCtx{Context: context.Background(), after: n, done: make(chan struct{})}
}

func (c *pollCtx) Done() <-chan struct{} { return c.done }

func (c *pollCtx) Err() error {
	if c.calls.Add(1) >= c.after {
		return context.Canceled
	}
	return nil
}
