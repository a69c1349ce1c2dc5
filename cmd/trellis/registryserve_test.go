package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
)

const testAdminToken = "serve-test-admin-token-0123456789"

// serving is a `trellis serve` running in this process.
type serving struct {
	addr string
	logs *syncBuffer
	stop func() int // cancels and returns the exit status
}

func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	s := &serving{addr: freeAddr(t), logs: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	go func() { exit <- serveContext(ctx, append(args, "--listen", s.addr), io.Discard, s.logs) }()
	var once sync.Once
	code := 0
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-exit:
			case <-time.After(30 * time.Second):
				t.Errorf("serve did not stop\n%s", s.logs.String())
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })
	waitHealthy(t, "http://"+s.addr+"/health")
	return s
}

// query posts a GraphQL query and returns the status and body.
func (s *serving) query(q string) (int, string, error) {
	resp, err := http.Post("http://"+s.addr+"/graphql", "application/json", strings.NewReader(`{"query":"`+q+`"}`))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (s *serving) status(path string) int {
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// eventually retries cond for up to 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 15 s", what)
		}
	}
}

// publishExamples publishes the four example subgraphs routed to subs.
func publishExamples(t *testing.T, c *admin.Client, subs *all.Subgraphs) {
	t.Helper()
	for _, name := range []string{"products", "inventory", "accounts", "reviews"} {
		sdl, err := os.ReadFile(filepath.Join("..", "..", "examples", name, "subgraph", "schema.graphqls"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Publish(context.Background(), registry.Input{Name: name, RoutingURL: subs.URL(name), SDL: string(sdl)}, false)
		if err != nil || res.Status != registry.StatusPublished {
			t.Fatalf("publish %s: %+v %v", name, res, err)
		}
	}
}

func startExamples(t *testing.T) *all.Subgraphs {
	t.Helper()
	subs, err := all.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { subs.Close() })
	return subs
}

// TestServeRegistryUnderLoad: `serve --registry` answers 503 until the first publish, then
// serves each new supergraph at once; 8 clients querying while the products subgraph's routing
// URL flips between two running copies of the examples see no failed request.
func TestServeRegistryUnderLoad(t *testing.T) {
	t.Setenv(envAdminToken, testAdminToken)
	a, b := startExamples(t), startExamples(t)
	s := startServe(t, "--registry", "--registry-store", filepath.Join(t.TempDir(), "trellis.db"))
	code, body, _ := s.query("{ topProducts { name } }")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "no supergraph has been published yet: publish subgraphs with `trellis subgraph publish`") {
		t.Fatalf("before the first publish: %d %s", code, body)
	}
	if st := s.status("/ready"); st != http.StatusServiceUnavailable {
		t.Fatalf("/ready before the first publish: %d", st)
	}
	c := admin.NewClient("http://"+s.addr, testAdminToken, nil)
	publishExamples(t, c, a)
	var want string
	eventually(t, "the gateway serves the published supergraph", func() bool {
		code, body, _ := s.query(demoQuery)
		want = body
		return code == 200 && strings.Contains(body, `"shippingEstimate"`) && !strings.Contains(body, `"errors"`)
	})
	if st := s.status("/ready"); st != http.StatusOK {
		t.Fatalf("/ready after the first publish: %d", st)
	}

	var requests, failures atomic.Int64
	var firstFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, body, err := s.query(demoQuery)
				requests.Add(1)
				if err != nil || code != 200 || body != want {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%d %s %v", code, body, err))
				}
			}
		})
	}
	sdl, _ := os.ReadFile("../../examples/products/subgraph/schema.graphqls")
	const swaps = 12
	for i := range swaps {
		to := a
		if i%2 == 0 {
			to = b
		}
		res, err := c.Publish(context.Background(), registry.Input{Name: "products", RoutingURL: to.URL("products"), SDL: string(sdl)}, false)
		if err != nil || res.Status != registry.StatusPublished {
			t.Fatalf("publish %d: %+v %v", i, res, err)
		}
		loaded := fmt.Sprintf(`msg="supergraph from the registry loaded" version=%d `, res.SupergraphVersion)
		eventually(t, "version "+fmt.Sprint(res.SupergraphVersion)+" swapped in", func() bool { return strings.Contains(s.logs.String(), loaded) })
		before := requests.Load()
		eventually(t, "requests on the new supergraph", func() bool { return requests.Load() > before+8 })
	}
	close(stop)
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d of %d requests failed during %d swaps; first: %v", n, requests.Load(), swaps, firstFailure.Load())
	}
	if got := strings.Count(s.logs.String(), "supergraph from the registry loaded"); got < swaps+4 {
		t.Fatalf("%d supergraphs loaded, want %d", got, swaps+4)
	}
	t.Logf("%d requests, 0 failed, across %d supergraph swaps", requests.Load(), swaps)
	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d\n%s", code, s.logs.String())
	}
}

// TestServeFollowsRegistry: a gateway with --registry-url serves what is published to another
// process's registry, keeps serving it while that registry is down (saying so once), and takes
// the next version once it is back.
func TestServeFollowsRegistry(t *testing.T) {
	t.Setenv(envAdminToken, testAdminToken)
	subs := startExamples(t)
	store := filepath.Join(t.TempDir(), "trellis.db")
	reg := startServe(t, "--registry", "--registry-store", store)
	gw := startServe(t, "--registry-url", "http://"+reg.addr, "--registry-token", testAdminToken)
	lenient := startServe(t, "--registry-url", "http://"+reg.addr, "--registry-token", testAdminToken, "--ready-without-registry")
	code, body, _ := gw.query("{ topProducts { name } }")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "no supergraph from the registry at http://"+reg.addr+" yet") {
		t.Fatalf("before the first publish: %d %s", code, body)
	}
	if st := gw.status("/ready"); st != http.StatusServiceUnavailable {
		t.Fatalf("/ready before the first publish: %d", st)
	}
	c := admin.NewClient("http://"+reg.addr, testAdminToken, nil)
	publishExamples(t, c, subs)
	works := func() bool {
		code, body, _ := gw.query(demoQuery)
		return code == 200 && strings.Contains(body, `"shippingEstimate"`)
	}
	eventually(t, "the gateway serves the registry's supergraph", works)
	if st := gw.status("/ready"); st != http.StatusOK {
		t.Fatalf("/ready: %d", st)
	}

	if code := reg.stop(); code != 0 {
		t.Fatalf("registry exit %d\n%s", code, reg.logs.String())
	}
	eventually(t, "the gateway notices", func() bool { return strings.Contains(gw.logs.String(), "cannot read the registry") })
	time.Sleep(2 * time.Second) // a few more failed polls (backoff 0.5 s, 1 s, ...)
	if !works() {
		t.Fatal("the gateway stopped serving while the registry is down")
	}
	if st := gw.status("/ready"); st != http.StatusServiceUnavailable {
		t.Fatalf("/ready while the registry cannot be read: %d, want 503", st)
	}
	eventually(t, "--ready-without-registry stays ready", func() bool {
		return strings.Contains(lenient.logs.String(), "cannot read the registry") && lenient.status("/ready") == http.StatusOK
	})

	// The registry comes back on the same address and store; a new version reaches the gateway.
	t.Setenv(envAdminToken, testAdminToken)
	back := &serving{addr: reg.addr, logs: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	go func() {
		exit <- serveContext(ctx, []string{"--registry", "--registry-store", store, "--listen", back.addr}, io.Discard, back.logs)
	}()
	defer func() { cancel(); <-exit }()
	waitHealthy(t, "http://"+back.addr+"/health")
	if _, err := c.Remove(context.Background(), "reviews", true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the new version reaches the gateway", func() bool {
		_, body, _ := gw.query("{ topProducts { reviews { body } } }")
		return strings.Contains(body, "GRAPHQL_VALIDATION_FAILED")
	})
	logs := gw.logs.String()
	if n := strings.Count(logs, "cannot read the registry"); n != 1 {
		t.Fatalf("the outage was logged %d times, want once:\n%s", n, logs)
	}
	if !strings.Contains(logs, "registry readable again") {
		t.Fatalf("no line for the registry coming back:\n%s", logs)
	}
	if st := gw.status("/ready"); st != http.StatusOK {
		t.Fatalf("/ready once the registry is back: %d", st)
	}
}
