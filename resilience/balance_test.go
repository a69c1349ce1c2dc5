package resilience

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// With Config.Zone, the endpoints of that zone get all the traffic while one is healthy;
// when it is ejected, the other zone takes over.
func TestZonePreference(t *testing.T) {
	ins := startInstances(t, 3, nil)
	eps := endpointsOf(ins)
	eps[0].Zone, eps[1].Zone, eps[2].Zone = "eu-west-1a", "eu-west-1b", "eu-west-1b"
	cfg := testConfig()
	cfg.Zone = "eu-west-1a"
	c, _ := newClient(t, cfg, newResolver("s", eps...))
	drive(4, 300*time.Millisecond, func(int, int) { send(context.Background(), c, Target{Service: "s", Idempotent: true}, "") })
	local, remote := ins[0].hits.Load(), ins[1].hits.Load()+ins[2].hits.Load()
	t.Logf("healthy local zone: %d local, %d remote", local, remote)
	if local == 0 || remote != 0 {
		t.Errorf("%d local, %d remote requests; want all local", local, remote)
	}

	ins[0].status.Store(500)
	var failed atomic.Int64
	drive(4, 500*time.Millisecond, func(int, int) {
		if status, _ := send(context.Background(), c, Target{Service: "s", Idempotent: true}, ""); status != 200 {
			failed.Add(1)
		}
	})
	local2, remote2 := ins[0].hits.Load()-local, ins[1].hits.Load()+ins[2].hits.Load()-remote
	t.Logf("local endpoint failing: %d local (%d failed), %d remote", local2, failed.Load(), remote2)
	// 5 failures, the other goroutines' requests in flight, one or two failed trials.
	if st := mustState(t, c, "s", "i0"); st.Breaker == StateClosed || local2 > 5+3+2 || remote2 < 100 {
		t.Errorf("local endpoint %s after %d requests, %d remote; want it ejected and the remote zone used", st.Breaker, local2, remote2)
	}
}

// Under concurrency, an endpoint of weight 3 takes about three times the requests in flight
// of one of weight 1 (cost = latency × (in flight + 1) / weight).
func TestWeights(t *testing.T) {
	ins := startInstances(t, 2, nil)
	for _, in := range ins {
		in.delay.Store(int64(2 * time.Millisecond))
	}
	eps := endpointsOf(ins)
	eps[0].Weight, eps[1].Weight = 3, 1
	c, _ := newClient(t, testConfig(), newResolver("s", eps...))
	drive(8, 2*time.Second, func(int, int) { send(context.Background(), c, Target{Service: "s", Idempotent: true}, "") })
	heavy, light := ins[0].hits.Load(), ins[1].hits.Load()
	share := float64(heavy) / float64(heavy+light)
	t.Logf("weight 3: %d requests, weight 1: %d (%.0f%% : %.0f%%)", heavy, light, 100*share, 100*(1-share))
	if share < 0.6 || share > 0.97 {
		t.Errorf("weight 3 took %.0f%% of the requests, want between 60%% and 97%%", 100*share)
	}
}

// Ejection never takes more than 10% of a service's endpoints (at least one) while others
// are healthy: with 20 endpoints of which 5 fail, at most 2 are ejected at any time.
func TestEjectionCap(t *testing.T) {
	ins := startInstances(t, 20, nil)
	for _, in := range ins[:5] {
		in.status.Store(500)
	}
	c, _ := newClient(t, testConfig(), newResolver("s", endpointsOf(ins)...))
	var maxOpen, samples atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			open := 0
			for _, st := range c.Snapshot()["s"] {
				if st.Breaker != StateClosed {
					open++
				}
			}
			samples.Add(1)
			if int64(open) > maxOpen.Load() {
				maxOpen.Store(int64(open))
			}
		}
	}()
	drive(8, 2*time.Second, func(int, int) { send(context.Background(), c, Target{Service: "s", Idempotent: true}, "") })
	<-done
	t.Logf("at most %d of 20 endpoints ejected at once over %d samples (5 failing)", maxOpen.Load(), samples.Load())
	if maxOpen.Load() != 2 {
		t.Errorf("at most %d endpoints ejected at once, want 2", maxOpen.Load())
	}
}

// Endpoints the resolver drops are kept (unlisted) for ForgetAfter, then forgotten; an ID
// whose URL changes starts afresh; duplicate IDs are ignored.
func TestEndpointsForgotten(t *testing.T) {
	ins := startInstances(t, 3, nil)
	cfg := testConfig()
	cfg.Balancer.ForgetAfter = 200 * time.Millisecond
	r := newResolver("s", endpointsOf(ins)...)
	c, _ := newClient(t, cfg, r)
	one := func() { send(context.Background(), c, Target{Service: "s", Idempotent: true}, "") }
	for range 30 {
		one()
	}
	r.set("s", ins[1].endpoint(), ins[2].endpoint(), ins[2].endpoint())
	one()
	if st := mustState(t, c, "s", "i0"); st.Listed || len(c.Snapshot()["s"]) != 3 {
		t.Errorf("just dropped: %+v in %d endpoints; want i0 kept, unlisted", st, len(c.Snapshot()["s"]))
	}
	hits := ins[0].hits.Load()
	time.Sleep(300 * time.Millisecond)
	one()
	if _, ok := stateOf(c, "s", "i0"); ok || ins[0].hits.Load() != hits {
		t.Errorf("i0 not forgotten after ForgetAfter, or still used: %+v", c.Snapshot()["s"])
	}
	r.set("s", ins[1].endpoint())
	for range 3 {
		one()
	}
	moved := ins[0].endpoint()
	moved.ID = "i1"
	if before := mustState(t, c, "s", "i1"); before.Requests < 2 {
		t.Fatalf("i1 had %d requests; the check below needs more", before.Requests)
	}
	r.set("s", moved, ins[2].endpoint())
	one()
	if after := mustState(t, c, "s", "i1"); after.URL != ins[0].url || after.Requests > 1 {
		t.Errorf("i1 moved to %s: state %+v, want a fresh state at the new URL", ins[0].url, after)
	}
}

// The pool is bounded by what the resolver lists (plus what it listed within ForgetAfter),
// whatever the churn.
func TestPoolBoundedUnderChurn(t *testing.T) {
	cfg := testConfig()
	cfg.Balancer.ForgetAfter = 50 * time.Millisecond
	p := newPool("s", &cfg, time.Now())
	now := time.Now()
	for i := range 1000 {
		eps := []Endpoint{{ID: fmt.Sprint("a", i), URL: "http://10.0.0.1/graphql"}, {ID: "stable", URL: "http://10.0.0.2/graphql"}}
		now = now.Add(time.Millisecond)
		c := &call{target: Target{Service: "s", Idempotent: true}}
		ch, err := p.pick(now, eps, nil, c)
		if err != nil {
			t.Fatal(err)
		}
		p.observe(now, ch, outcome{status: 200, elapsed: time.Millisecond})
	}
	// Unlisted for ForgetAfter (50 changes), swept every ForgetAfter/2 (25 more).
	if n := len(p.byID); n > 2+50+25 {
		t.Errorf("%d endpoint states after 1000 changes, want at most 77", n)
	}
}
