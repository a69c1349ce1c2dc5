package resilience

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The first request any instance sees gets 429 with a Retry-After: the client waits for it
// when it fits the deadline, then retries on the other instance; else it returns the 429.
func TestRetryAfter429(t *testing.T) {
	cases := []struct {
		name       string
		retryAfter string
		timeout    time.Duration
		wantStatus int
		wantHits   int64
		minTime    time.Duration
		maxTime    time.Duration
	}{
		{"seconds, within the deadline", "1", 5 * time.Second, 200, 2, time.Second, 4 * time.Second},
		{"HTTP date, within the deadline", "date", 5 * time.Second, 200, 2, 500 * time.Millisecond, 4 * time.Second},
		{"beyond the deadline", "1", 500 * time.Millisecond, 429, 1, 0, 400 * time.Millisecond},
		{"without Retry-After", "", 5 * time.Second, 200, 2, 0, time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var first atomic.Bool
			limited := func(w http.ResponseWriter, r *http.Request) bool {
				if first.CompareAndSwap(false, true) {
					switch tc.retryAfter {
					case "date":
						// HTTP dates have whole seconds: between 1 and 2 s from now.
						w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
					case "":
					default:
						w.Header().Set("Retry-After", tc.retryAfter)
					}
					w.WriteHeader(http.StatusTooManyRequests)
					return true
				}
				return false
			}
			ins := startTwo(t, limited)
			c, _ := newClient(t, testConfig(), newResolver("s", endpointsOf(ins)...))
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			t0 := time.Now()
			status, err := send(ctx, c, Target{Service: "s", Idempotent: true}, "")
			took := time.Since(t0)
			hits := ins[0].hits.Load() + ins[1].hits.Load()
			t.Logf("status %d after %v, %d requests", status, took.Round(time.Millisecond), hits)
			if err != nil || status != tc.wantStatus || hits != tc.wantHits {
				t.Errorf("got %d, %v, %d requests; want %d, %d requests", status, err, hits, tc.wantStatus, tc.wantHits)
			}
			if tc.wantHits == 2 && (ins[0].hits.Load() != 1 || ins[1].hits.Load() != 1) {
				t.Errorf("the retry went to the same instance")
			}
			if took < tc.minTime || took > tc.maxTime {
				t.Errorf("took %v, want between %v and %v", took, tc.minTime, tc.maxTime)
			}
		})
	}
}

func startTwo(t *testing.T, handle func(http.ResponseWriter, *http.Request) bool) []*instance {
	ins := make([]*instance, 2)
	for i := range ins {
		in := &instance{t: t, name: []string{"a", "b"}[i], handle: handle}
		in.retryAfter.Store("")
		in.start()
		t.Cleanup(in.stop)
		ins[i] = in
	}
	return ins
}

// Every instance answers 503; the budget allows 2 retries (0.2 per second over 10 s, no
// ratio): 10 requests make 12 tries (the first spends both retries), and the budget
// refuses the retry of each of the 9 others.
func TestRetryBudgetExhausted(t *testing.T) {
	ins := startInstances(t, 3, nil)
	for _, in := range ins {
		in.status.Store(503)
	}
	cfg := testConfig()
	cfg.Retry.BudgetRatio, cfg.Retry.BudgetMinPerSecond = 0, 0.2
	cfg.Breaker.ConsecutiveFailures, cfg.Breaker.FailureRatio = 0, 0 // keep sending
	c, _ := newClient(t, cfg, newResolver("s", endpointsOf(ins)...))
	for range 10 {
		if status, err := send(context.Background(), c, Target{Service: "s", Idempotent: true}, ""); err != nil || status != 503 {
			t.Fatalf("got %d, %v; want 503", status, err)
		}
	}
	hits := ins[0].hits.Load() + ins[1].hits.Load() + ins[2].hits.Load()
	k := c.Counters()["s"]
	t.Logf("10 requests: %d tries, %+v", hits, k)
	if hits != 12 || k.Retries != 2 || k.RetriesRefused != 9 || k.Requests != 10 {
		t.Errorf("%d tries, %+v; want 12 tries, 2 retries, 9 refused", hits, k)
	}
}

// A failing idempotent request is tried once on each instance (3 attempts), never twice on
// one; a non-idempotent one, a body over MaxBodyBytes and a body that cannot be re-read are
// sent once.
func TestRetryConditions(t *testing.T) {
	small := []byte(`{"query":"{ x }"}`)
	big := bytes.Repeat([]byte("x"), 64<<10+1)
	cases := []struct {
		name   string
		target Target
		status int32 // of every instance
		body   func() io.Reader
		want   int64 // tries
	}{
		{"idempotent 503", Target{Service: "s", Idempotent: true}, 503, nil, 3},
		{"idempotent 502", Target{Service: "s", Idempotent: true}, 502, nil, 3},
		{"idempotent 504", Target{Service: "s", Idempotent: true}, 504, nil, 3},
		{"idempotent 500", Target{Service: "s", Idempotent: true}, 500, nil, 1},
		{"idempotent 400", Target{Service: "s", Idempotent: true}, 400, nil, 1},
		{"mutation 503", Target{Service: "s", Body: []byte("{}")}, 503, nil, 1}, // a 503 was sent: never twice
		{"body at the limit", Target{Service: "s", Idempotent: true}, 503, func() io.Reader { return bytes.NewReader(big[1:]) }, 3},
		{"body over the limit", Target{Service: "s", Idempotent: true}, 503, func() io.Reader { return bytes.NewReader(big) }, 1},
		{"body without GetBody", Target{Service: "s", Idempotent: true}, 503, func() io.Reader { return io.MultiReader(bytes.NewReader(small)) }, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ins := startInstances(t, 4, nil)
			for _, in := range ins {
				in.status.Store(tc.status)
			}
			c, _ := newClient(t, testConfig(), newResolver("s", endpointsOf(ins)...))
			body := io.Reader(bytes.NewReader(small))
			if tc.body != nil {
				body = tc.body()
			}
			req, _ := http.NewRequestWithContext(WithTarget(context.Background(), tc.target), "POST", staticURL, body)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var total int64
			for _, in := range ins {
				if n := in.hits.Load(); n > 1 {
					t.Errorf("instance %s tried %d times", in.name, n)
				}
				total += in.hits.Load()
			}
			if total != tc.want || resp.StatusCode != int(tc.status) {
				t.Errorf("%d tries, status %d; want %d tries, status %d", total, resp.StatusCode, tc.want, tc.status)
			}
		})
	}
}

// A mutation whose instance dies after reading it fails and is not sent again; an idempotent
// request in the same situation is retried elsewhere.
func TestConnectionLostAfterRead(t *testing.T) {
	for _, idem := range []bool{false, true} {
		rc := newReceipts()
		var hangups atomic.Int64
		hangup := func(w http.ResponseWriter, r *http.Request) bool {
			if hangups.Add(1) > 1 {
				return false
			}
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
			return true
		}
		ins := startTwo(t, hangup)
		ins[0].receipts, ins[1].receipts = rc, rc
		c, _ := newClient(t, testConfig(), newResolver("s", endpointsOf(ins)...))
		status, err := send(context.Background(), c, Target{Service: "s", Idempotent: idem}, "x")
		t.Logf("idempotent %v: status %d, error %v, received %d times", idem, status, err, rc.count("x"))
		if !idem && (err == nil || rc.count("x") != 1) {
			t.Errorf("mutation: error %v, received %d times; want an error, received once", err, rc.count("x"))
		}
		if idem && (err != nil || status != 200 || rc.count("x") != 2) {
			t.Errorf("query: %d, %v, received %d times; want 200 after 2 receipts", status, err, rc.count("x"))
		}
	}
}

// Retries stop when the request's context is done: an instance that hangs past the deadline
// is not followed by a retry.
func TestNoRetryAfterDeadline(t *testing.T) {
	ins := startInstances(t, 3, nil)
	for _, in := range ins {
		in.delay.Store(int64(2 * time.Second))
	}
	c, _ := newClient(t, testConfig(), newResolver("s", endpointsOf(ins)...))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	_, err := send(ctx, c, Target{Service: "s", Idempotent: true}, "")
	took := time.Since(t0)
	if !errors.Is(err, context.DeadlineExceeded) || took > time.Second {
		t.Errorf("got %v after %v; want the deadline after 200ms", err, took)
	}
	time.Sleep(50 * time.Millisecond)
	if n := ins[0].hits.Load() + ins[1].hits.Load() + ins[2].hits.Load(); n != 1 {
		t.Errorf("%d tries, want 1", n)
	}
	if k := c.Counters()["s"]; k.Retries != 0 {
		t.Errorf("%d retries, want 0", k.Retries)
	}
}

// With a per-try timeout, a hung try is left for another instance within the deadline.
func TestPerTryTimeout(t *testing.T) {
	var first atomic.Bool
	hang := func(w http.ResponseWriter, r *http.Request) bool {
		if first.CompareAndSwap(false, true) {
			<-r.Context().Done()
			return true
		}
		return false
	}
	ins := startTwo(t, hang)
	cfg := testConfig()
	cfg.Timeouts.PerTry = 200 * time.Millisecond
	c, _ := newClient(t, cfg, newResolver("s", endpointsOf(ins)...))
	t0 := time.Now()
	status, err := send(context.Background(), c, Target{Service: "s", Idempotent: true}, "")
	took := time.Since(t0)
	t.Logf("status %d after %v", status, took.Round(time.Millisecond))
	if err != nil || status != 200 || took < 200*time.Millisecond || took > 2*time.Second {
		t.Errorf("got %d, %v after %v; want 200 after the 200ms per-try timeout and a retry", status, err, took)
	}
	if ins[0].hits.Load() != 1 || ins[1].hits.Load() != 1 {
		t.Errorf("tries %d and %d, want one on each instance", ins[0].hits.Load(), ins[1].hits.Load())
	}
	// A mutation has no per-try timeout: the only try may use the whole deadline.
	first.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	t0 = time.Now()
	_, err = send(ctx, c, Target{Service: "s"}, "")
	if took := time.Since(t0); !errors.Is(err, context.DeadlineExceeded) || took < 500*time.Millisecond {
		t.Errorf("mutation: %v after %v; want the request's deadline (600ms)", err, took)
	}
}

// Without endpoints from the resolver, the request's own URL is used, with the same breaker
// (keyed by that URL) and no retry (there is no other endpoint).
func TestStaticURLFallback(t *testing.T) {
	in := newInstance(t, "static", nil)
	in.status.Store(503)
	c, _ := newClient(t, testConfig(), newResolver("other"))
	target := Target{Service: "s", Idempotent: true}
	body := []byte(`{}`)
	for i := range 5 {
		if status, err := sendTo(context.Background(), c, target, "", in.url, body); err != nil || status != 503 {
			t.Fatalf("request %d: %d, %v", i, status, err)
		}
	}
	if n := in.hits.Load(); n != 5 {
		t.Errorf("%d tries for 5 requests, want 5 (no retry on the only endpoint)", n)
	}
	_, err := sendTo(context.Background(), c, target, "", in.url, body)
	if !errors.Is(err, ErrCircuitOpen) {
		t.Errorf("6th request: %v, want ErrCircuitOpen", err)
	}
	st := c.Snapshot()["s"]
	if len(st) != 1 || st[0].URL != in.url || st[0].Breaker != StateOpen {
		t.Errorf("snapshot %+v, want the static URL, open", st)
	}
}

// A request without a Target goes straight to its URL.
func TestWithoutTarget(t *testing.T) {
	in := newInstance(t, "plain", nil)
	c, _ := newClient(t, testConfig(), newResolver("s"))
	req, _ := http.NewRequest("POST", in.url, strings.NewReader("{}"))
	resp, err := c.RoundTrip(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	resp.Body.Close()
	if got := resp.Request.Header.Get(DeadlineHeader); got != "" {
		t.Errorf("deadline header %q on a request without Target", got)
	}
	if len(c.Counters()) != 0 || in.hits.Load() != 1 {
		t.Errorf("counters %v, %d hits; want none and 1", c.Counters(), in.hits.Load())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999999999", (1 << 20) * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(http.Header{"Retry-After": {tc.in}}, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// An endpoint that answered 503 with Retry-After is avoided for that long (with the latency
// penalty off, its fast 503 would otherwise make it the favourite), and used again after.
func TestRetryAfterAvoidsEndpoint(t *testing.T) {
	var first atomic.Bool
	ins := startTwo(t, nil)
	ins[0].handle = func(w http.ResponseWriter, r *http.Request) bool {
		if first.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	}
	cfg := testConfig()
	cfg.Balancer.FailurePenalty = 0
	r := newResolver("s", ins[0].endpoint())
	c, _ := newClient(t, cfg, r)
	if status, _ := send(context.Background(), c, Target{Service: "s"}, ""); status != 503 {
		t.Fatalf("first answer %d, want 503", status)
	}
	r.set("s", endpointsOf(ins)...)
	for end := time.Now().Add(700 * time.Millisecond); time.Now().Before(end); {
		drive(4, 50*time.Millisecond, func(int, int) { send(context.Background(), c, Target{Service: "s"}, "") })
	}
	if n := ins[0].hits.Load(); n != 1 {
		t.Errorf("the endpoint was sent %d requests within its Retry-After, want none after the 503", n-1)
	}
	time.Sleep(400 * time.Millisecond)
	if !eventually(3*time.Second, func() bool {
		drive(4, 50*time.Millisecond, func(int, int) { send(context.Background(), c, Target{Service: "s"}, "") })
		return ins[0].hits.Load() > 1
	}) {
		t.Error("the endpoint was not used again after its Retry-After")
	}
}
