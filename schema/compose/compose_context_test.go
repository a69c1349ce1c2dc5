package compose

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// TestComposeContextDeadline: a composition that takes seconds (subgraphs of half a megabyte)
// returns soon after its deadline.
func TestComposeContextDeadline(t *testing.T) {
	in := labelRing(10000)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ComposeContext(ctx, in)
	d := time.Since(start)
	t.Logf("returned after %v: %v", d, err)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the deadline error, got %v", err)
	}
	if d > 2*time.Second {
		t.Errorf("returned %v after a 100ms deadline", d)
	}
}
