package resilience

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// One of three instances hangs for 150 ms then crashes (listener and connections closed at
// once) under a steady load of 8 goroutines: no idempotent request fails, retries stay
// within the budget, and no non-idempotent request reaches an instance twice, though some
// were read by the instance before it died.
func TestInstanceKilledUnderLoad(t *testing.T) {
	rc := newReceipts()
	ins := startInstances(t, 3, rc)
	for _, in := range ins {
		in.delay.Store(int64(2 * time.Millisecond)) // requests in flight when it dies
	}
	c, _ := newClient(t, testConfig(), newResolver("products", endpointsOf(ins)...))

	var idemOK, idemFailed, mutOK atomic.Int64
	var mu sync.Mutex
	var mutFailed []string
	var firstIdemErr atomic.Value
	hold := make(chan struct{})
	defer close(hold)
	hang := time.AfterFunc(1350*time.Millisecond, func() { ins[1].hold.Store(&hold) })
	defer hang.Stop()
	kill := time.AfterFunc(1500*time.Millisecond, ins[1].stop)
	defer kill.Stop()
	drive(8, 3*time.Second, func(w, i int) {
		id := fmt.Sprintf("w%d-%d", w, i)
		idem := i%4 != 3
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		status, err := send(ctx, c, Target{Service: "products", Idempotent: idem}, id)
		switch {
		case idem && err == nil && status == http.StatusOK:
			idemOK.Add(1)
		case idem:
			idemFailed.Add(1)
			firstIdemErr.CompareAndSwap(nil, fmt.Sprintf("status %d, %v", status, err))
		case err == nil && status == http.StatusOK:
			mutOK.Add(1)
		default:
			mu.Lock()
			mutFailed = append(mutFailed, id)
			mu.Unlock()
		}
	})

	readThenFailed, neverReceived, sentTwice := 0, 0, 0
	for _, id := range mutFailed {
		switch rc.count(id) {
		case 0:
			neverReceived++
		case 1:
			readThenFailed++
		default:
			sentTwice++
		}
	}
	rc.mu.Lock()
	for id, n := range rc.m {
		var w, i int
		if _, err := fmt.Sscanf(id, "w%d-%d", &w, &i); err == nil && i%4 == 3 && n > 1 {
			sentTwice++
		}
	}
	rc.mu.Unlock()
	k := c.Counters()["products"]
	allowed := uint64(0.2*float64(k.Requests)) + 10*10
	t.Logf("idempotent: %d ok, %d failed; non-idempotent: %d ok, %d failed (%d read by the dying instance, %d refused before sending), %d sent twice",
		idemOK.Load(), idemFailed.Load(), mutOK.Load(), len(mutFailed), readThenFailed, neverReceived, sentTwice)
	t.Logf("requests %d, retries %d (budget allows %d), refused by budget %d; dead instance: %+v",
		k.Requests, k.Retries, allowed, k.RetriesRefused, mustState(t, c, "products", "i1"))
	if idemFailed.Load() != 0 {
		t.Errorf("%d idempotent requests failed, want 0; first: %v", idemFailed.Load(), firstIdemErr.Load())
	}
	if sentTwice != 0 {
		t.Errorf("%d non-idempotent requests reached an instance twice", sentTwice)
	}
	if k.Retries == 0 || k.Retries > allowed {
		t.Errorf("retries = %d, want between 1 and the budget's %d", k.Retries, allowed)
	}
	if idemOK.Load() < 500 {
		t.Errorf("only %d idempotent requests in 3s: the load did not run", idemOK.Load())
	}
}

// One instance of three becomes 500 ms slower: the balancer moves at least 90% of the
// traffic away from it within 5 s.
func TestSlowInstanceAvoided(t *testing.T) {
	ins := startInstances(t, 3, nil)
	c, _ := newClient(t, testConfig(), newResolver("products", endpointsOf(ins)...))
	var failed atomic.Int64
	load := func(d time.Duration) {
		drive(8, d, func(int, int) {
			if status, err := send(context.Background(), c, Target{Service: "products", Idempotent: true}, ""); err != nil || status != 200 {
				failed.Add(1)
			}
		})
	}
	load(time.Second)
	ins[2].delay.Store(int64(500 * time.Millisecond))
	load(3 * time.Second) // the first 3 s after the change
	before := hitsOf(ins)
	load(2 * time.Second) // measured: seconds 3 to 5
	after := hitsOf(ins)
	total := (after[0] - before[0]) + (after[1] - before[1]) + (after[2] - before[2])
	slow := after[2] - before[2]
	share := float64(slow) / float64(total)
	t.Logf("seconds 3-5 after the slowdown: %d of %d requests (%.2f%%) went to the slow instance; latency estimate %v",
		slow, total, 100*share, mustState(t, c, "products", "i2").Latency)
	if share > 0.10 {
		t.Errorf("slow instance got %.1f%% of the traffic, want at most 10%%", 100*share)
	}
	if failed.Load() != 0 {
		t.Errorf("%d requests failed", failed.Load())
	}
}

func hitsOf(ins []*instance) []int64 {
	out := make([]int64, len(ins))
	for i, in := range ins {
		out[i] = in.hits.Load()
	}
	return out
}

func mustState(t *testing.T, c *Client, service, id string) EndpointState {
	t.Helper()
	st, ok := stateOf(c, service, id)
	if !ok {
		t.Fatalf("no state for %s/%s", service, id)
	}
	return st
}

// One instance answers 500 under a load of 4 goroutines: its breaker opens on the 5th
// consecutive failure; it gets nothing while ejected; it fails its half-open trial (ejected
// again, for longer); then it passes one once healthy and takes traffic again.
func TestFailingInstanceEjectedAndRestored(t *testing.T) {
	ins := startInstances(t, 3, nil)
	cfg := testConfig()
	cfg.Breaker.BaseEjection = 500 * time.Millisecond
	c, logs := newClient(t, cfg, newResolver("products", endpointsOf(ins)...))
	bad := ins[1]
	var unexpected atomic.Int64 // failures from the healthy instances
	load := func(d time.Duration, until func() bool) bool {
		return driveUntil(4, d, func(int, int) bool {
			status, err := send(context.Background(), c, Target{Service: "products", Idempotent: true}, "")
			if err != nil || (status != 200 && status != 500) {
				unexpected.Add(1)
			}
			return until != nil && until()
		})
	}
	load(500*time.Millisecond, nil)

	bad.status.Store(500)
	start, hits0 := time.Now(), bad.hits.Load()
	if !load(10*time.Second, func() bool {
		st, _ := stateOf(c, "products", "i1")
		return st.Breaker == StateOpen
	}) {
		t.Fatalf("not ejected within 10s; %d failures", bad.hits.Load()-hits0)
	}
	failures := bad.hits.Load() - hits0
	st := mustState(t, c, "products", "i1")
	t.Logf("ejected %v after the first 500, %d requests reached it (4 goroutines), ejected for %v",
		time.Since(start).Round(time.Millisecond), failures, time.Until(st.EjectedUntil).Round(time.Millisecond))
	if !contains(logs.String(), `reason="5 consecutive failures`) {
		t.Errorf("no ejection for 5 consecutive failures in the log")
	}
	if failures < 5 || failures > 5+3 {
		t.Errorf("%d requests reached the failing instance, want 5 plus at most the 3 other goroutines' in flight", failures)
	}

	hits1 := bad.hits.Load()
	load(time.Until(st.EjectedUntil.Add(-100*time.Millisecond)), nil)
	if n := bad.hits.Load() - hits1; n != 0 {
		t.Errorf("ejected instance received %d requests", n)
	}

	// Still failing: its one trial fails and the ejection is longer.
	if !load(5*time.Second, func() bool { return bad.hits.Load() > hits1 }) {
		t.Fatal("no trial request within 5s")
	}
	st2 := mustState(t, c, "products", "i1")
	if st2.Breaker != StateOpen || st2.Ejections != 2 || bad.hits.Load()-hits1 != 1 {
		t.Errorf("after a failed trial: %+v, %d trial requests; want open, 2 ejections, 1 trial", st2, bad.hits.Load()-hits1)
	}

	bad.status.Store(0)
	healed, hits2 := time.Now(), bad.hits.Load()
	if !load(10*time.Second, func() bool { return bad.hits.Load()-hits2 >= 10 }) {
		t.Fatalf("healed instance not used again within 10s: %+v", mustState(t, c, "products", "i1"))
	}
	t.Logf("healed instance took 10 requests %v after healing (its second ejection lasted %v)",
		time.Since(healed).Round(time.Millisecond), st2.EjectedUntil.Sub(st.EjectedUntil).Round(time.Millisecond))
	if st := mustState(t, c, "products", "i1"); st.Breaker != StateClosed {
		t.Errorf("breaker %s, want closed", st.Breaker)
	}
	if unexpected.Load() != 0 {
		t.Errorf("%d requests failed otherwise than by the failing instance's 500", unexpected.Load())
	}
}

// Every instance is down: the breakers open, requests fail fast with ErrCircuitOpen, and
// the service is used again once it is back.
func TestAllInstancesDown(t *testing.T) {
	ins := startInstances(t, 3, nil)
	c, _ := newClient(t, testConfig(), newResolver("products", endpointsOf(ins)...))
	target := Target{Service: "products", Idempotent: true}
	if status, err := send(context.Background(), c, target, ""); err != nil || status != 200 {
		t.Fatalf("warm-up: %d, %v", status, err)
	}
	for _, in := range ins {
		in.stop()
	}
	start, requests := time.Now(), 0
	var err error
	for ; requests < 50; requests++ {
		if _, err = send(context.Background(), c, target, ""); errors.Is(err, ErrCircuitOpen) {
			break
		}
	}
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Service != "products" {
		t.Fatalf("after %d requests: %v, want an *UnavailableError wrapping ErrCircuitOpen", requests, err)
	}
	t.Logf("circuit open after %d failed requests in %v: %v", requests, time.Since(start).Round(time.Millisecond), err)

	var took []time.Duration
	for range 20 {
		t0 := time.Now()
		_, err := send(context.Background(), c, target, "")
		took = append(took, time.Since(t0))
		if !errors.Is(err, ErrCircuitOpen) {
			t.Fatalf("request while open: %v, want ErrCircuitOpen", err)
		}
	}
	slices.Sort(took)
	t.Logf("failing fast: median %v, max %v", took[10], took[19])
	if took[10] >= 10*time.Millisecond {
		t.Errorf("median fail-fast time %v, want < 10ms", took[10])
	}

	for _, in := range ins {
		in.start()
	}
	back := time.Now()
	if !eventually(5*time.Second, func() bool {
		status, err := send(context.Background(), c, target, "")
		return err == nil && status == 200
	}) {
		t.Fatalf("service not used again within 5s: %+v", c.Snapshot())
	}
	t.Logf("service used again %v after it came back", time.Since(back).Round(time.Millisecond))
}
