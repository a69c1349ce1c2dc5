package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
)

// composeLabelRing: subgraph b has T0 -(f_i)-> T1 -(g)-> T0; subgraph a takes every f_i from
// b under its own progressive-override label "flag_i".
func composeLabelRing(k int) (a, b registry.Input) {
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
	return registry.Input{Name: "a", RoutingURL: "http://a.test/graphql", SDL: sa.String()},
		registry.Input{Name: "b", RoutingURL: "http://b.test/graphql", SDL: sb.String()}
}

// openComposeRegistry opens a registry with the real composer and returns it with an admin.
func openComposeRegistry(t *testing.T) (*registry.Registry, *registry.Principal) {
	t.Helper()
	return openComposeRegistryWith(t, registryOptions())
}

func openComposeRegistryWith(t *testing.T, opts registry.Options) (*registry.Registry, *registry.Principal) {
	t.Helper()
	opts.AdminToken = "compose-test-admin-token-0123456789"
	reg, err := registry.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	if _, _, err := reg.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	adm, err := reg.Authenticate(context.Background(), opts.AdminToken)
	if err != nil {
		t.Fatal(err)
	}
	return reg, adm
}

// TestRegistryComposeManyOverrideLabels: the ring with 30 labels (11 took 18 s to compose)
// publishes at once.
func TestRegistryComposeManyOverrideLabels(t *testing.T) {
	reg, adm := openComposeRegistry(t)
	a, b := composeLabelRing(30)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, in := range []registry.Input{b, a} {
		start := time.Now()
		res, err := reg.Publish(ctx, adm, in, false)
		if err != nil || res.Status != registry.StatusPublished {
			t.Fatalf("publish %s: %+v %v", in.Name, res, err)
		}
		t.Logf("publish %s: %v", in.Name, time.Since(start))
	}
}

// TestRegistryComposeHonoursCancellation: a publish whose caller gives up while the real
// composer works returns the context's error and releases the registry's write lock: the
// next publish succeeds. (That the composer looks at its context while it works is shown in
// schema/compose and schema/satisfy.)
func TestRegistryComposeHonoursCancellation(t *testing.T) {
	opts := registryOptions()
	var cancelFirst context.CancelFunc
	opts.Compose = func(ctx context.Context, subs []registry.Source) (string, []registry.Problem, error) {
		if cancelFirst != nil {
			cancelFirst() // the caller gives up as composition starts
			cancelFirst = nil
		}
		return composeFederation(ctx, subs)
	}
	reg, adm := openComposeRegistryWith(t, opts)
	a, b := composeLabelRing(30)
	if res, err := reg.Publish(context.Background(), adm, b, false); err != nil || res.Status != registry.StatusPublished {
		t.Fatalf("publish b: %+v %v", res, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancelFirst = cancel
	res, err := reg.Publish(ctx, adm, a, false)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "composition cancelled") {
		t.Fatalf("want the composer's cancellation, got %+v %v", res, err)
	}
	res, err = reg.Publish(context.Background(), adm, registry.Input{Name: "c", RoutingURL: "http://c.test/graphql", SDL: "type Query { c: Int }"}, false)
	if err != nil || res.Status != registry.StatusPublished {
		t.Fatalf("publish c after the cancelled one: %+v %v", res, err)
	}
	if sg, _ := reg.Supergraph(context.Background()); sg == nil || strings.Contains(sg.SDL, "flag_0") {
		t.Errorf("the cancelled publish of a left a trace in the supergraph")
	}
}
