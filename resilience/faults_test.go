package resilience

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// 30% of 1000 requests are aborted with 503: counted, logged, not retried, not sent.
func TestFaultAbort(t *testing.T) {
	ins := startInstances(t, 2, nil)
	cfg := testConfig()
	cfg.Faults = map[string]FaultConfig{"s": {AbortPercent: 30, AbortStatus: 503}}
	c, logs := newClient(t, cfg, newResolver("s", endpointsOf(ins)...))
	aborted := 0
	for range 1000 {
		status, err := send(context.Background(), c, Target{Service: "s", Idempotent: true}, "")
		if err != nil {
			t.Fatal(err)
		}
		if status == 503 {
			aborted++
		}
	}
	k := c.Counters()["s"]
	sent := ins[0].hits.Load() + ins[1].hits.Load()
	logged := strings.Count(logs.String(), `msg="fault injected" service=s fault=abort status=503`)
	t.Logf("1000 requests at 30%%: %d aborted, %d sent, %d logged, %+v", aborted, sent, logged, k)
	if aborted < 250 || aborted > 350 {
		t.Errorf("%d aborted, want 250 to 350", aborted)
	}
	if int(k.FaultAborts) != aborted || logged != aborted || int(sent) != 1000-aborted || k.Retries != 0 {
		t.Errorf("counted %d, logged %d, sent %d, retried %d; want %d, %d, %d, 0", k.FaultAborts, logged, sent, k.Retries, aborted, aborted, 1000-aborted)
	}
	for _, st := range c.Snapshot()["s"] {
		if st.Breaker != StateClosed {
			t.Errorf("injected aborts ejected %s", st.ID)
		}
	}
}

// 50% of 200 requests wait 20 ms before being sent.
func TestFaultDelay(t *testing.T) {
	in := newInstance(t, "a", nil)
	cfg := testConfig()
	cfg.Faults = map[string]FaultConfig{"s": {DelayPercent: 50, Delay: 20 * time.Millisecond}}
	c, _ := newClient(t, cfg, newResolver("s", in.endpoint()))
	slow := 0
	for range 200 {
		t0 := time.Now()
		if status, err := send(context.Background(), c, Target{Service: "s"}, ""); err != nil || status != 200 {
			t.Fatalf("%d, %v", status, err)
		}
		if time.Since(t0) >= 20*time.Millisecond {
			slow++
		}
	}
	k := c.Counters()["s"]
	t.Logf("200 requests at 50%%: %d delayed, %d took 20ms or more", k.FaultDelays, slow)
	if k.FaultDelays < 70 || k.FaultDelays > 130 || slow < int(k.FaultDelays) {
		t.Errorf("%d delayed, %d slow; want 70 to 130, each slow", k.FaultDelays, slow)
	}
	// The delay counts against the deadline.
	cfg.Faults["s"] = FaultConfig{DelayPercent: 100, Delay: 10 * time.Second}
	c2, _ := newClient(t, cfg, newResolver("s", in.endpoint()))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	if _, err := send(ctx, c2, Target{Service: "s"}, ""); !errors.Is(err, context.DeadlineExceeded) || time.Since(t0) > time.Second {
		t.Errorf("delay beyond the deadline: %v after %v", err, time.Since(t0))
	}
}

// Faults are per service and off by default.
func TestFaultsOnlyWhereConfigured(t *testing.T) {
	in := newInstance(t, "a", nil)
	cfg := testConfig()
	cfg.Faults = map[string]FaultConfig{"other": {AbortPercent: 100, AbortStatus: 500}}
	r := newResolver("s", in.endpoint())
	c, _ := newClient(t, cfg, r)
	for range 50 {
		if status, err := send(context.Background(), c, Target{Service: "s"}, ""); err != nil || status != 200 {
			t.Fatalf("%d, %v", status, err)
		}
	}
	if k := c.Counters()["s"]; k.FaultAborts != 0 || k.FaultDelays != 0 {
		t.Errorf("faults injected into a service without FaultConfig: %+v", k)
	}
	if DefaultConfig().Faults != nil {
		t.Error("DefaultConfig injects faults")
	}
}
