package resilience

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// instance is one subgraph instance on 127.0.0.1. stop closes its listener and every
// connection at once, as a crash; start listens again on the same address.
type instance struct {
	t    testing.TB
	name string
	addr string
	url  string

	status     atomic.Int32 // answer this status instead of 200 (0: 200)
	retryAfter atomic.Value // string: the Retry-After of non-200 answers
	delay      atomic.Int64 // nanoseconds to wait before answering
	hits       atomic.Int64 // requests received
	// hold, when set, makes requests wait until it is closed (or their connection is).
	hold atomic.Pointer[chan struct{}]
	// handle, when set before start, may answer a request itself (it returns true then).
	handle   func(w http.ResponseWriter, r *http.Request) bool
	receipts *receipts

	mu    sync.Mutex
	srv   *http.Server
	serve sync.WaitGroup
}

func newInstance(t testing.TB, name string, rc *receipts) *instance {
	in := &instance{t: t, name: name, receipts: rc}
	in.retryAfter.Store("")
	in.start()
	t.Cleanup(in.stop)
	return in
}

func startInstances(t testing.TB, n int, rc *receipts) []*instance {
	out := make([]*instance, n)
	for i := range out {
		out[i] = newInstance(t, fmt.Sprintf("i%d", i), rc)
	}
	return out
}

func (in *instance) start() {
	in.mu.Lock()
	defer in.mu.Unlock()
	addr := in.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for try := 0; try < 50; try++ { // the port may linger a moment after a stop
		if ln, err = net.Listen("tcp", addr); err == nil || !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		in.t.Fatalf("instance %s: %v", in.name, err)
	}
	in.addr = ln.Addr().String()
	in.url = "http://" + in.addr + "/graphql"
	in.srv = &http.Server{Handler: in, ReadHeaderTimeout: 5 * time.Second}
	in.serve.Add(1)
	go func(srv *http.Server) {
		defer in.serve.Done()
		_ = srv.Serve(ln)
	}(in.srv)
}

func (in *instance) stop() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.srv != nil {
		_ = in.srv.Close()
		in.serve.Wait()
		in.srv = nil
	}
}

func (in *instance) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	in.hits.Add(1)
	if in.receipts != nil {
		in.receipts.add(r.Header.Get("X-Test-Id"))
	}
	if in.handle != nil && in.handle(w, r) {
		return
	}
	if h := in.hold.Load(); h != nil {
		select {
		case <-*h:
		case <-r.Context().Done():
			return
		}
	}
	if d := time.Duration(in.delay.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if s := int(in.status.Load()); s != 0 {
		if ra := in.retryAfter.Load().(string); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		w.WriteHeader(s)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"data":{}}`))
}

func (in *instance) endpoint() Endpoint { return Endpoint{ID: in.name, URL: in.url} }

func endpointsOf(ins []*instance) []Endpoint {
	out := make([]Endpoint, len(ins))
	for i, in := range ins {
		out[i] = in.endpoint()
	}
	return out
}

// receipts counts, per X-Test-Id, the requests the instances received.
type receipts struct {
	mu sync.Mutex
	m  map[string]int
}

func newReceipts() *receipts { return &receipts{m: map[string]int{}} }

func (rc *receipts) add(id string) {
	if id == "" {
		return
	}
	rc.mu.Lock()
	rc.m[id]++
	rc.mu.Unlock()
}

func (rc *receipts) count(id string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.m[id]
}

// resolver is a static Resolver that tests change.
type resolver struct {
	mu sync.RWMutex
	m  map[string][]Endpoint
}

func newResolver(service string, eps ...Endpoint) *resolver {
	r := &resolver{m: map[string][]Endpoint{}}
	r.set(service, eps...)
	return r
}

func (r *resolver) Endpoints(service string) []Endpoint {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.m[service]
}

func (r *resolver) set(service string, eps ...Endpoint) {
	r.mu.Lock()
	r.m[service] = append([]Endpoint(nil), eps...)
	r.mu.Unlock()
}

// logBuffer collects the client's log and prints it when the test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testConfig is DefaultConfig with ejections short enough for tests.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Breaker.BaseEjection = 300 * time.Millisecond
	cfg.Breaker.MaxEjection = 3 * time.Second
	return cfg
}

func newClient(t testing.TB, cfg Config, r Resolver) (*Client, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(cfg, r, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if t.Failed() {
			t.Logf("client log:\n%s", logs)
		}
	})
	return c, logs
}

// staticURL is the request URL when the resolver lists nothing; unused otherwise.
const staticURL = "http://static.invalid/graphql"

// send posts one request for service and reads the answer.
func send(ctx context.Context, c *Client, t Target, id string) (int, error) {
	return sendTo(ctx, c, t, id, staticURL, []byte(`{"query":"{ x }"}`))
}

func sendTo(ctx context.Context, c *Client, t Target, id, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(WithTarget(ctx, t), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if id != "" {
		req.Header.Set("X-Test-Id", id)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// drive runs f from workers goroutines until d has passed.
func drive(workers int, d time.Duration, f func(worker, i int)) {
	driveUntil(workers, d, func(w, i int) bool { f(w, i); return false })
}

// driveUntil runs f from workers goroutines until d has passed or f returns true, and
// reports whether f did.
func driveUntil(workers int, d time.Duration, f func(worker, i int) bool) bool {
	end := time.Now().Add(d)
	var done atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; !done.Load() && time.Now().Before(end); i++ {
				if f(w, i) {
					done.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return done.Load()
}

// stateOf returns the state of endpoint id of service.
func stateOf(c *Client, service, id string) (EndpointState, bool) {
	for _, st := range c.Snapshot()[service] {
		if st.ID == id {
			return st, true
		}
	}
	return EndpointState{}, false
}

// eventually polls cond every 10ms until it holds or d has passed.
func eventually(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
