package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/discovery/agent"
	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/resilience/identity"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// meshFixture is a gateway in the mesh (the serve command's own wiring) and a CA that
// issues identities for instances.
type meshFixture struct {
	t  *testing.T
	ca string
	gm *gatewayMesh
	gw *executor.Gateway
}

func newMeshFixture(t *testing.T) *meshFixture {
	ca := t.TempDir()
	if err := identity.InitCA(ca, "example.org", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	f := &meshFixture{t: t, ca: ca}
	cert, key := f.issue(identity.KindGateway, "gw-1")
	m := &meshFlags{bind: "127.0.0.1:0", profile: "local", cert: cert, keyFile: key, bundle: filepath.Join(ca, identity.BundleFile)}
	gm, err := startGatewayMesh(context.Background(), m, resilience.DefaultConfig(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gm.close)
	f.gm = gm
	// The routing URLs are the examples' default ports, where nothing listens in the test:
	// every answer comes through the mesh.
	sg, err := supergraph.Load("examples/supergraph.graphql", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	if f.gw, err = executor.New(executor.DefaultConfig(), sg, gm.client, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.gw.Close)
	return f
}

func (f *meshFixture) issue(kind identity.Kind, name string) (cert, key string) {
	id, err := identity.NewID("example.org", kind, name)
	if err != nil {
		f.t.Fatal(err)
	}
	cert, key, err = identity.Issue(f.ca, id, time.Hour, f.t.TempDir())
	if err != nil {
		f.t.Fatal(err)
	}
	return cert, key
}

// instance starts an instance of subgraph that proves identity (usually the subgraph's own).
func (f *meshFixture) instance(subgraph, identityName string, h http.Handler) *agent.Instance {
	cert, key := f.issue(identity.KindSubgraph, identityName)
	cfg := agent.Config{Subgraph: subgraph, Listen: "127.0.0.1:0", Cert: cert, Key: key,
		Bundle:    filepath.Join(f.ca, identity.BundleFile),
		Discovery: discovery.Config{BindAddr: "127.0.0.1", Profile: discovery.ProfileLocal, Join: []string{f.gm.member.Addr()}}}
	in, err := agent.Start(context.Background(), cfg, h, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { in.Close() })
	return in
}

// impostor serves h over mTLS with the identity of a subgraph the supergraph does not have,
// and a gossip member advertises it as an instance of products: what a compromised member
// could do.
func (f *meshFixture) impostor(h http.Handler) {
	in := f.instance("shipping", "shipping", h)
	m, err := discovery.Join(context.Background(), discovery.Config{BindAddr: "127.0.0.1", Profile: discovery.ProfileLocal,
		Join: []string{f.gm.member.Addr()}, Self: discovery.Instance{Role: discovery.RoleSubgraph, Subgraph: "products", URL: in.URL}})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { m.Close() })
}

func (f *meshFixture) waitInstances(subgraph string, n int) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(f.gm.member.Instances(subgraph)) != n {
		if time.Now().After(deadline) {
			f.t.Fatalf("%s: %d instances known, want %d", subgraph, len(f.gm.member.Instances(subgraph)), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// query sends the benchmark operation and reports whether the answer is complete.
func (f *meshFixture) query() (bool, string) {
	raw, _ := json.Marshal(map[string]any{"query": examples.BenchmarkQuery})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.gw.ServeHTTP(rec, req)
	body := rec.Body.String()
	return rec.Code == 200 && !strings.Contains(body, `"errors"`) && len(body) > 80_000, body
}

// counting counts the requests a handler serves.
func counting(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

// TestMeshSurvivesAnInstanceKilledUnderLoad: three instances of products (one instance of
// each other subgraph), one killed in the middle of a steady load of the benchmark query: no
// client request fails; an impostor proving another identity never gets a request; a new
// instance gets traffic soon after it joins.
func TestMeshSurvivesAnInstanceKilledUnderLoad(t *testing.T) {
	f := newMeshFixture(t)
	handlers := all.Handlers()
	for _, name := range all.Names() {
		if name != "products" {
			f.instance(name, name, all.Handlers()[name])
		}
	}
	var impostorHits atomic.Int64
	f.impostor(counting(handlers["products"], &impostorHits))
	var hits [3]atomic.Int64
	var products [3]*agent.Instance
	for i := range products {
		products[i] = f.instance("products", "products", counting(all.Handlers()["products"], &hits[i]))
	}
	f.waitInstances("products", 4)
	for _, name := range []string{"accounts", "inventory", "reviews"} {
		f.waitInstances(name, 1)
	}

	var ok, failed atomic.Int64
	var lastFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if good, body := f.query(); good {
					ok.Add(1)
				} else {
					failed.Add(1)
					lastFailure.Store(body)
				}
			}
		})
	}
	time.Sleep(time.Second)
	products[0].Kill() // a crash: no goodbye to the cluster
	time.Sleep(1500 * time.Millisecond)
	var late atomic.Int64
	f.instance("products", "products", counting(all.Handlers()["products"], &late))
	joined := time.Now()
	deadline := joined.Add(5 * time.Second)
	for late.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	firstTraffic := time.Since(joined)
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Logf("%d complete answers, %d failed (one instance killed 1s into the load); newcomer's first request %v after it joined; hits per instance %d/%d/%d, newcomer %d, impostor %d",
		ok.Load(), failed.Load(), firstTraffic.Round(time.Millisecond),
		hits[0].Load(), hits[1].Load(), hits[2].Load(), late.Load(), impostorHits.Load())
	if failed.Load() != 0 {
		body, _ := lastFailure.Load().(string)
		if i := strings.Index(body, `"errors"`); i >= 0 {
			body = body[i:] // what went wrong, not the data before it
		}
		t.Fatalf("%d client requests failed; last: %.600s", failed.Load(), body)
	}
	if ok.Load() < 20 {
		t.Fatalf("only %d requests ran: the load did not run", ok.Load())
	}
	if impostorHits.Load() != 0 {
		t.Fatalf("the instance proving spiffe://example.org/subgraph/reviews served %d products requests", impostorHits.Load())
	}
	if late.Load() == 0 {
		t.Fatal("the instance that joined got no traffic within 5s")
	}
}

// TestFaultInjectionFromConfig: a configured abort on one subgraph fails its fetches only;
// the other subgraphs' data is served.
func TestFaultInjectionFromConfig(t *testing.T) {
	path := writeFile(t, t.TempDir(), "trellis.yaml", "resilience:\n  retry:\n    max_attempts: 1\n  faults:\n    products: {abort_percent: 100, abort_status: 503}\n")
	file, err := readConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	rc := file.resilienceConfig()
	if rc.Faults["products"].AbortStatus != 503 || rc.Retry.MaxAttempts != 1 {
		t.Fatalf("resilience config %+v", rc)
	}
	client, err := resilience.New(rc, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	subs, err := all.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer subs.Close()
	sg, err := supergraph.Load("examples", subs.Supergraph())
	if err != nil {
		t.Fatal(err)
	}
	gw, err := executor.New(executor.DefaultConfig(), sg, client, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { username } topProducts { name } }"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, req)
	body := rec.Body.String()
	if !strings.Contains(body, `"me":{"username":"urigo"}`) || !strings.Contains(body, `"topProducts":null`) ||
		!strings.Contains(body, `"path":["topProducts"]`) || !strings.Contains(body, `"serviceName":"products"`) || !strings.Contains(body, "503") {
		t.Fatalf("response %s", body)
	}
}

// TestStatusEndpoint: in dev mode, GET /trellis/status lists the subgraphs and the instances
// the mesh knows, with their breaker state; outside dev mode it does not exist.
func TestStatusEndpoint(t *testing.T) {
	f := newMeshFixture(t)
	in := f.instance("products", "products", all.Handlers()["products"])
	f.waitInstances("products", 1)
	get := func(h http.Handler) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/trellis/status", nil))
		return rec.Code, rec.Body.String()
	}
	code, body := get(routes(f.gw, true, &status{mesh: f.gm, client: f.gm.client}))
	var got struct {
		Subgraphs []subgraphStatus `json:"subgraphs"`
	}
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("%d %s", code, body)
	}
	found := false
	for _, s := range got.Subgraphs {
		if s.Name == "products" && len(s.Instances) == 1 && s.Instances[0].URL == in.URL && s.Instances[0].Breaker == "closed" {
			found = true
		}
	}
	if len(got.Subgraphs) != 4 || !found {
		t.Fatalf("status %s", body)
	}
	if code, _ := get(routes(f.gw, false, &status{})); code != http.StatusNotFound {
		t.Fatalf("status outside dev mode: %d", code)
	}
}

// TestMeshRefusesPlainInstances: a gateway with mTLS never sends a request in clear, to an
// instance advertising http:// or to a routing URL.
func TestMeshRefusesPlainInstances(t *testing.T) {
	f := newMeshFixture(t)
	for _, name := range all.Names() {
		f.instance(name, name, all.Handlers()[name])
	}
	var plainHits atomic.Int64
	cfg := agent.Config{Subgraph: "products", Listen: "127.0.0.1:0",
		Discovery: discovery.Config{BindAddr: "127.0.0.1", Profile: discovery.ProfileLocal, Join: []string{f.gm.member.Addr()}}}
	plain, err := agent.Start(context.Background(), cfg, counting(all.Handlers()["products"], &plainHits), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plain.Close() })
	f.waitInstances("products", 2)
	for i := 0; i < 20; i++ {
		if good, body := f.query(); !good {
			t.Fatalf("query %d: %.300s", i, body)
		}
	}
	if plainHits.Load() != 0 {
		t.Fatalf("the plain-HTTP instance got %d requests", plainHits.Load())
	}
	// The routing URL is the fallback when no instance is known: never in clear either.
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
	req = req.WithContext(resilience.WithTarget(req.Context(), resilience.Target{Service: "nowhere"}))
	req.URL, _ = req.URL.Parse("http://127.0.0.1:1/graphql")
	req.RequestURI = ""
	if _, err := f.gm.client.Do(req); err == nil || !strings.Contains(err.Error(), "in clear") {
		t.Fatalf("plain routing URL: %v", err)
	}
}

// TestGatewayRefusesSubgraphCertificate: a gateway started with a subgraph's certificate
// would be refused by every instance; it stops at start instead.
func TestGatewayRefusesSubgraphCertificate(t *testing.T) {
	ca := t.TempDir()
	if err := identity.InitCA(ca, "example.org", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	id, _ := identity.NewID("example.org", identity.KindSubgraph, "products")
	cert, key, err := identity.Issue(ca, id, time.Hour, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := &meshFlags{bind: "127.0.0.1:0", profile: "local", cert: cert, keyFile: key, bundle: filepath.Join(ca, identity.BundleFile)}
	_, err = startGatewayMesh(context.Background(), m, resilience.DefaultConfig(), nil)
	if err == nil || !strings.Contains(err.Error(), "a gateway proves spiffe://example.org/gateway/NAME") {
		t.Fatalf("startGatewayMesh = %v", err)
	}
}

// TestResolverReusesItsList: the resolver returns the same slice while gossip's list and the
// refusals are unchanged (the client's pool then skips comparing endpoints), and a new one
// once an instance is refused.
func TestResolverReusesItsList(t *testing.T) {
	f := newMeshFixture(t)
	a := f.instance("products", "products", all.Handlers()["products"])
	f.instance("products", "products", all.Handlers()["products"])
	f.waitInstances("products", 2)
	r := &memberResolver{m: f.gm.member, refused: &refusals{until: map[string]time.Time{}}, httpsOnly: true, log: slog.New(slog.DiscardHandler)}
	first := r.Endpoints("products")
	if len(first) != 2 || &r.Endpoints("products")[0] != &first[0] {
		t.Fatalf("a second call built a new list: %v", first)
	}
	if n := testing.AllocsPerRun(200, func() { r.Endpoints("products") }); n != 0 {
		t.Fatalf("%v allocations per call on the request path, want 0", n)
	}
	r.refused.add("products", a.URL)
	if after := r.Endpoints("products"); len(after) != 1 || after[0].URL == a.URL {
		t.Fatalf("after the refusal: %v", after)
	}
}
