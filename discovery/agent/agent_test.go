package agent_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/discovery/agent"
	"github.com/trellis-gql/trellis/resilience/identity"
)

// pki is a trust domain with a CA in a temporary folder.
type pki struct{ dir string }

func newPKI(t *testing.T) pki {
	dir := t.TempDir()
	if err := identity.InitCA(dir, "example.org", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	return pki{dir}
}

// issue returns the cert and key files of an identity.
func (p pki) issue(t *testing.T, kind identity.Kind, name string) (cert, key string) {
	id, err := identity.NewID("example.org", kind, name)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, err = identity.Issue(p.dir, id, time.Hour, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func (p pki) bundle() string { return filepath.Join(p.dir, identity.BundleFile) }

// client is a caller with the given identity expecting the products subgraph.
func (p pki) client(t *testing.T, kind identity.Kind, name string) *http.Client {
	cert, key := p.issue(t, kind, name)
	src, err := identity.NewSource(cert, key, p.bundle(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	expect, _ := identity.NewID("example.org", identity.KindSubgraph, "products")
	tr := identity.NewTransport(src, expect)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func cluster(t *testing.T) *discovery.Member {
	cfg := discovery.Config{Profile: discovery.ProfileLocal, BindAddr: "127.0.0.1",
		Self: discovery.Instance{Role: discovery.RoleGateway}}
	m, err := discovery.Join(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSidecar: the agent serves over mTLS to gateways only, forwards to the subgraph, and is
// advertised in the cluster.
func TestSidecar(t *testing.T) {
	var hits atomic.Int32
	subgraph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, `{"data":{"echo":`+string(body)+`,"path":"`+r.URL.Path+`"}}`)
	}))
	t.Cleanup(subgraph.Close)
	target, _ := url.Parse(subgraph.URL + "/graphql")
	p := newPKI(t)
	cert, key := p.issue(t, identity.KindSubgraph, "products")
	gw := cluster(t)
	cfg := agent.Config{Subgraph: "products", Listen: "127.0.0.1:0", Cert: cert, Key: key, Bundle: p.bundle(),
		Discovery: discovery.Config{Profile: discovery.ProfileLocal, BindAddr: "127.0.0.1", Join: []string{gw.Addr()}}}
	in, err := agent.Start(context.Background(), cfg, agent.Proxy(target, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	if !strings.HasPrefix(in.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %s", in.URL)
	}
	waitFor(t, "the instance is advertised", func() bool {
		ins := gw.Instances("products")
		return len(ins) == 1 && ins[0].URL == in.URL
	})
	resp, err := p.client(t, identity.KindGateway, "gw-1").Post(in.URL, "application/json", strings.NewReader(`1`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"data":{"echo":1,"path":"/graphql"}}` {
		t.Fatalf("proxied answer %s", body)
	}
	// A caller with a subgraph identity is not a gateway: refused before the subgraph.
	before := hits.Load()
	if _, err := p.client(t, identity.KindSubgraph, "reviews").Post(in.URL, "application/json", strings.NewReader(`2`)); err == nil {
		t.Fatal("a subgraph identity was accepted")
	}
	if hits.Load() != before {
		t.Fatal("a refused caller reached the subgraph")
	}
	// Close leaves the cluster.
	in.Close()
	waitFor(t, "the instance leaves", func() bool { return len(gw.Instances("products")) == 0 })
}

// TestStartRefusesMistakes: the wrong certificate for the subgraph, or an address gateways
// cannot use, stop the instance at start instead of failing every request later.
func TestStartRefusesMistakes(t *testing.T) {
	p := newPKI(t)
	cert, key := p.issue(t, identity.KindSubgraph, "reviews")
	cfg := agent.Config{Subgraph: "products", Listen: "127.0.0.1:0", Cert: cert, Key: key, Bundle: p.bundle(),
		Discovery: discovery.Config{Profile: discovery.ProfileLocal, BindAddr: "127.0.0.1"}}
	if _, err := agent.Start(context.Background(), cfg, http.NotFoundHandler(), nil); err == nil ||
		!strings.Contains(err.Error(), "the certificate proves spiffe://example.org/subgraph/reviews; an instance of products proves spiffe://example.org/subgraph/products") {
		t.Fatalf("wrong certificate: %v", err)
	}
	cfg = agent.Config{Subgraph: "products", Listen: "0.0.0.0:0", Discovery: cfg.Discovery}
	if _, err := agent.Start(context.Background(), cfg, http.NotFoundHandler(), nil); err == nil || !strings.Contains(err.Error(), "agent.url:") {
		t.Fatalf("unspecified address: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  agent.Config
		want string
	}{
		{agent.Config{Listen: "127.0.0.1:0"}, "agent.subgraph"},
		{agent.Config{Subgraph: "a"}, "agent.listen"},
		{agent.Config{Subgraph: "a", Listen: "127.0.0.1:0", Cert: "c"}, "agent.tls: give cert, key and bundle together"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate(%+v) = %v, want %q", c.cfg, err, c.want)
		}
	}
}
