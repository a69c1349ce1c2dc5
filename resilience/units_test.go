package resilience

import (
	"math"
	"testing"
	"time"
)

func TestPeakEWMA(t *testing.T) {
	t0 := time.Now()
	const tau = 10 * time.Second
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	e := newPeakEWMA(t0, 30*time.Millisecond)
	if got := e.at(t0, tau); got != float64(30*time.Millisecond) {
		t.Fatalf("initial estimate %v, want the default 30ms", time.Duration(got))
	}
	e.observe(t0.Add(time.Millisecond), ms(2), tau)
	if got := e.at(t0.Add(time.Millisecond), tau); got != float64(ms(2)) {
		t.Errorf("after the first observation %v, want it (2ms)", time.Duration(got))
	}
	at := t0.Add(2 * time.Millisecond)
	e.observe(at, 500*time.Millisecond, tau)
	if got := e.at(at, tau); got != float64(500*time.Millisecond) {
		t.Errorf("after a peak %v, want the peak at once", time.Duration(got))
	}
	// Unused for one time constant: the estimate falls to 1/e.
	if got, want := e.at(at.Add(tau), tau), float64(500*time.Millisecond)/math.E; math.Abs(got-want) > 1e3 {
		t.Errorf("decayed over tau: %v, want %v", time.Duration(got), time.Duration(want))
	}
	// A fast answer 10 s later weighs 1-1/e.
	e.observe(at.Add(tau), ms(2), tau)
	want := float64(500*time.Millisecond)/math.E + float64(ms(2))*(1-1/math.E)
	if got := e.at(at.Add(tau), tau); math.Abs(got-want) > 1e3 {
		t.Errorf("after a fast answer: %v, want %v", time.Duration(got), time.Duration(want))
	}
}

func TestBreakerConsecutive(t *testing.T) {
	cfg := DefaultBreakerConfig()
	now := time.Now()
	var b breaker
	for i := range 4 {
		if b.record(now, true, &cfg) {
			t.Fatalf("tripped after %d failures", i+1)
		}
	}
	b.record(now, false, &cfg) // a success resets the count
	for i := range 4 {
		if b.record(now, true, &cfg) {
			t.Fatalf("tripped after a success and %d failures", i+1)
		}
	}
	if !b.record(now, true, &cfg) || !b.failing {
		t.Fatal("did not trip on the 5th consecutive failure")
	}
}

func TestBreakerFailureRatio(t *testing.T) {
	cfg := DefaultBreakerConfig()
	cfg.ConsecutiveFailures = 0
	now := time.Now()
	var b breaker
	// 9 failures of 19: under the minimum of 20 requests.
	for i := range 19 {
		if b.record(now, i%2 == 0 && i < 18, &cfg) {
			t.Fatalf("tripped at request %d", i+1)
		}
	}
	if !b.record(now, true, &cfg) {
		t.Fatal("10 failures of 20 did not trip")
	}
	// Requests older than the window do not count.
	var old breaker
	for range 20 {
		old.record(now, true, &cfg)
	}
	later := now.Add(cfg.Window + time.Second)
	if old.record(later, false, &cfg) {
		t.Error("failures older than the window tripped the breaker")
	}
}

func TestBreakerEjectionGrows(t *testing.T) {
	cfg := DefaultBreakerConfig() // 30s × n, at most 300s
	now := time.Now()
	var b breaker
	b.eject(now, &cfg)
	for n := 1; n <= 12; n++ {
		want := min(time.Duration(n)*30*time.Second, 300*time.Second)
		if got := b.until.Sub(now); got != want {
			t.Fatalf("ejection %d lasts %v, want %v", n, got, want)
		}
		if b.admit(now) != admitNone || b.admit(b.until) != admitTrial {
			t.Fatalf("ejection %d: admission wrong", n)
		}
		now = b.until
		b.trial = true
		if b.admit(now) != admitNone {
			t.Fatal("a second trial admitted while one is in flight")
		}
		b.trialDone(now, true, &cfg) // ejected again
	}
	b.trial = true
	b.trialDone(now, false, &cfg)
	if b.admit(now) != admitAll {
		t.Fatal("a successful trial did not close the breaker")
	}
	// Healthy for MaxEjection: the next ejection is the base one again.
	now = now.Add(cfg.MaxEjection)
	b.eject(now, &cfg)
	if got := b.until.Sub(now); got != cfg.BaseEjection {
		t.Errorf("ejection after a long healthy period lasts %v, want %v", got, cfg.BaseEjection)
	}
}

func TestBudget(t *testing.T) {
	cfg := DefaultRetryConfig()
	cfg.BudgetMinPerSecond = 0.5 // reserve: 5 retries per 10 s
	b := newBudget(cfg)
	now := time.Now()
	for range 100 {
		b.deposit(now)
	}
	allowed := 0
	for b.withdraw(now) {
		allowed++
	}
	if allowed != 25 { // 20% of 100, plus 5
		t.Errorf("allowed %d retries, want 25", allowed)
	}
	b.refund(now)
	if !b.withdraw(now) || b.withdraw(now) {
		t.Error("a refund did not give back exactly one retry")
	}
	// After the TTL the deposits and withdrawals have expired: the reserve is left.
	later := now.Add(cfg.BudgetTTL + time.Second)
	allowed = 0
	for b.withdraw(later) {
		allowed++
	}
	if allowed != 5 {
		t.Errorf("after the TTL: %d retries, want the reserve of 5", allowed)
	}
}
