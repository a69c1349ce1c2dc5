package resilience

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Every try carries the milliseconds left: the caller's deadline when it is the earliest,
// else the service's timeout.
func TestDeadlineHeader(t *testing.T) {
	var got atomic.Int64
	record := func(w http.ResponseWriter, r *http.Request) bool {
		ms, _ := strconv.ParseInt(r.Header.Get(DeadlineHeader), 10, 64)
		got.Store(ms)
		return false
	}
	ins := startTwo(t, record)
	cfg := testConfig()
	cfg.Timeouts.PerService = map[string]time.Duration{"fast": 300 * time.Millisecond}
	r := newResolver("slow", endpointsOf(ins)...)
	r.set("fast", endpointsOf(ins)...)
	c, _ := newClient(t, cfg, r)
	cases := []struct {
		name     string
		service  string
		timeout  time.Duration // of the caller's context; 0: none
		min, max int64
	}{
		{"caller's deadline", "slow", 2 * time.Second, 1000, 2000},
		{"service timeout", "fast", 0, 100, 300},
		{"caller's deadline after the service's", "fast", 10 * time.Second, 100, 300},
		{"default timeout", "slow", 0, 29_000, 30_000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			if status, err := send(ctx, c, Target{Service: tc.service, Idempotent: true}, ""); err != nil || status != 200 {
				t.Fatalf("%d, %v", status, err)
			}
			if ms := got.Load(); ms < tc.min || ms > tc.max {
				t.Errorf("%s = %d, want between %d and %d", DeadlineHeader, ms, tc.min, tc.max)
			}
		})
	}
}

// The service's timeout ends a request to an instance that hangs.
func TestServiceTimeout(t *testing.T) {
	in := newInstance(t, "hung", nil)
	in.delay.Store(int64(5 * time.Second))
	cfg := testConfig()
	cfg.Timeouts.Default = 200 * time.Millisecond
	c, _ := newClient(t, cfg, newResolver("s", in.endpoint()))
	t0 := time.Now()
	_, err := send(context.Background(), c, Target{Service: "s"}, "")
	if took := time.Since(t0); !errors.Is(err, context.DeadlineExceeded) || took > 2*time.Second {
		t.Errorf("got %v after %v; want the deadline after 200ms", err, took)
	}
}

// The deadline bounds the reading of the body too, but does not end when RoundTrip returns.
func TestBodyReadableAfterRoundTrip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"data":`))
		http.NewResponseController(w).Flush()
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write([]byte(`{}}`))
	}))
	defer srv.Close()
	cfg := testConfig()
	cfg.Timeouts.PerTry = time.Second // the per-try context too
	c, _ := newClient(t, cfg, newResolver("s", Endpoint{ID: "a", URL: srv.URL}))
	if status, err := send(context.Background(), c, Target{Service: "s", Idempotent: true}, ""); err != nil || status != 200 {
		t.Fatalf("%d, %v", status, err)
	}
}

func TestHonourDeadline(t *testing.T) {
	var left atomic.Int64
	h := HonourDeadline(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dl, ok := r.Context().Deadline(); ok {
			left.Store(int64(time.Until(dl)))
		} else {
			left.Store(-1)
		}
	}))
	for _, tc := range []struct {
		header   string
		min, max time.Duration
	}{
		{"150", 100 * time.Millisecond, 150 * time.Millisecond},
		{"", -1, -1},
		{"0", -1, -1},
		{"soon", -1, -1},
	} {
		req := httptest.NewRequest("POST", "/graphql", nil)
		if tc.header != "" {
			req.Header.Set(DeadlineHeader, tc.header)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
		if got := time.Duration(left.Load()); got < tc.min || got > tc.max {
			t.Errorf("header %q: %v left, want between %v and %v (-1: no deadline)", tc.header, got, tc.min, tc.max)
		}
	}
}
