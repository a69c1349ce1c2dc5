package compose

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// labelRing: subgraph b has T0 -(f_i)-> T1 -(g)-> T0; subgraph a takes every f_i from b
// under its own progressive-override label, so a path around the ring can meet all k labels
// (satisfiability used to walk every subset of them).
func labelRing(k int) []Subgraph {
	var sa, sb strings.Builder
	hdr := `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])` + "\n"
	sa.WriteString(hdr)
	sb.WriteString(hdr)
	sb.WriteString("type Query { root: T0 }\ntype T0 @key(fields: \"id\") { id: ID!")
	sa.WriteString("type T0 @key(fields: \"id\") { id: ID!")
	for i := 0; i < k; i++ {
		fmt.Fprintf(&sb, " f%d: T1", i)
		fmt.Fprintf(&sa, " f%d: T1 @override(from: \"b\", label: \"flag_%d\")", i, i)
	}
	sb.WriteString(" }\ntype T1 @key(fields: \"id\") { id: ID! g: T0 }\n")
	sa.WriteString(" }\ntype T1 @key(fields: \"id\") { id: ID! }\n")
	return []Subgraph{{Name: "a", URL: "http://a.test/graphql", SDL: sa.String()}, {Name: "b", URL: "http://b.test/graphql", SDL: sb.String()}}
}

// TestComposeManyOverrideLabels: 30 and 64 labels on a ring compose (satisfiable) at once;
// 11 took 18 s before the walk stopped carrying every decided label.
func TestComposeManyOverrideLabels(t *testing.T) {
	for _, k := range []int{30, 64} {
		start := time.Now()
		res, err := Compose(labelRing(k))
		if err != nil {
			t.Fatalf("k=%d: %v", k, err)
		}
		if !strings.Contains(res.SDL, fmt.Sprintf("overrideLabel: \"flag_%d\"", k-1)) {
			t.Errorf("k=%d: the supergraph lost a label", k)
		}
		t.Logf("k=%d labels: composed in %v", k, time.Since(start))
	}
}

func TestComposeContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := ComposeContext(ctx, labelRing(2))
	var errs Errors
	if res != nil || !errors.Is(err, context.Canceled) || errors.As(err, &errs) {
		t.Fatalf("got %v, %v; want a cancellation error, not Errors", res, err)
	}
	if !strings.HasPrefix(err.Error(), "composition cancelled: ") {
		t.Errorf("error %q", err)
	}
}

// TestComposeContextCancelledMidway: a context cancelled while composition is under way
// (it passes the first look) stops it with the cancellation, not Errors.
func TestComposeContextCancelledMidway(t *testing.T) {
	for after := int64(2); after <= 4; after++ {
		ctx := &pollCtx{Context: context.Background(), after: after}
		res, err := ComposeContext(ctx, labelRing(30))
		var errs Errors
		if res != nil || !errors.Is(err, context.Canceled) || errors.As(err, &errs) {
			t.Fatalf("cancelled at look %d: %v, %v", after, res, err)
		}
		if n := ctx.calls.Load(); n != after {
			t.Errorf("cancelled at look %d: composition looked %d times (it must stop at once)", after, n)
		}
	}
}

// pollCtx says it is cancelled from its after-th Err() on: it shows that a function looks at
// its context while it works, without measuring time.
type pollCtx struct {
	context.Context
	calls atomic.Int64
	after int64
}

func (c *pollCtx) Done() <-chan struct{} { return make(chan struct{}) }

func (c *pollCtx) Err() error {
	if c.calls.Add(1) >= c.after {
		return context.Canceled
	}
	return nil
}
