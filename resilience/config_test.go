package resilience

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The defaults are part of the contract (docs and the mesh notes quote them): a change
// must be deliberate.
func TestDefaultConfig(t *testing.T) {
	want := Config{
		Balancer: BalancerConfig{
			DefaultRTT: 30 * time.Millisecond, Decay: 10 * time.Second, FailurePenalty: 5 * time.Second,
			MaxRetryAfter: 300 * time.Second, ForgetAfter: 5 * time.Minute,
		},
		Breaker: BreakerConfig{
			ConsecutiveFailures: 5, FailureRatio: 0.5, MinRequests: 20, Window: 10 * time.Second,
			BaseEjection: 30 * time.Second, MaxEjection: 300 * time.Second, MaxEjectionPercent: 10,
		},
		Retry: RetryConfig{
			MaxAttempts: 3, BudgetRatio: 0.2, BudgetMinPerSecond: 10, BudgetTTL: 10 * time.Second, MaxBodyBytes: 64 << 10,
		},
		Timeouts: TimeoutConfig{Default: 30 * time.Second},
	}
	got := DefaultConfig()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultConfig() =\n%+v\nwant\n%+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("DefaultConfig().Validate() = %v", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Config)
		want   []string // each must appear in the error
	}{
		{"zero sub-configs", func(c *Config) { *c = Config{} }, []string{
			"resilience.balancer.default_rtt: must be positive, e.g. 30ms; got 0s",
			"resilience.breaker.min_requests:", "resilience.retry.max_attempts:", "resilience.timeouts.default:",
		}},
		{"decay", func(c *Config) { c.Balancer.Decay = -time.Second }, []string{"resilience.balancer.decay: must be positive, e.g. 10s; got -1s"}},
		{"penalty", func(c *Config) { c.Balancer.FailurePenalty = -1 }, []string{"resilience.balancer.failure_penalty: must be 0 (off) or positive"}},
		{"retry after", func(c *Config) { c.Balancer.MaxRetryAfter = -1 }, []string{"resilience.balancer.max_retry_after:"}},
		{"forget", func(c *Config) { c.Balancer.ForgetAfter = 0 }, []string{"resilience.balancer.forget_after: must be positive, e.g. 5m; got 0s"}},
		{"consecutive", func(c *Config) { c.Breaker.ConsecutiveFailures = -1 }, []string{"resilience.breaker.consecutive_failures: must be 0 (off) or positive, e.g. 5; got -1"}},
		{"ratio", func(c *Config) { c.Breaker.FailureRatio = 1.5 }, []string{"resilience.breaker.failure_ratio: must be between 0 and 1, e.g. 0.5; got 1.5"}},
		{"ratio NaN", func(c *Config) { c.Breaker.FailureRatio = math.NaN() }, []string{"resilience.breaker.failure_ratio:", "got NaN"}},
		{"window", func(c *Config) { c.Breaker.Window = time.Millisecond }, []string{"resilience.breaker.window: must be at least 10ms, e.g. 10s; got 1ms"}},
		{"base ejection", func(c *Config) { c.Breaker.BaseEjection = 0 }, []string{"resilience.breaker.base_ejection: must be positive"}},
		{"max ejection", func(c *Config) { c.Breaker.MaxEjection = time.Second }, []string{"resilience.breaker.max_ejection: must be at least base_ejection (30s), e.g. 300s; got 1s"}},
		{"ejection percent", func(c *Config) { c.Breaker.MaxEjectionPercent = 101 }, []string{"resilience.breaker.max_ejection_percent: must be between 0 and 100"}},
		{"attempts", func(c *Config) { c.Retry.MaxAttempts = 0 }, []string{"resilience.retry.max_attempts: must be between 1 (no retry) and 10, e.g. 3; got 0"}},
		{"budget ratio", func(c *Config) { c.Retry.BudgetRatio = -0.1 }, []string{"resilience.retry.budget_ratio: must be between 0 and 10, e.g. 0.2; got -0.1"}},
		{"budget rate", func(c *Config) { c.Retry.BudgetMinPerSecond = math.Inf(1) }, []string{"resilience.retry.budget_min_per_second:", "got +Inf"}},
		{"budget ttl", func(c *Config) { c.Retry.BudgetTTL = 2 * time.Minute }, []string{"resilience.retry.budget_ttl: must be between 1s and 1m, e.g. 10s; got 2m0s"}},
		{"body", func(c *Config) { c.Retry.MaxBodyBytes = -1 }, []string{"resilience.retry.max_body_bytes:"}},
		{"per service", func(c *Config) {
			c.Timeouts.PerService = map[string]time.Duration{"reviews": 0, "": time.Second, "ok": time.Second}
		}, []string{
			`resilience.timeouts.per_service[""]: a service name is required` + "\n" +
				`resilience.timeouts.per_service["reviews"]: must be positive, e.g. 10s; got 0s`,
		}},
		{"per try", func(c *Config) { c.Timeouts.PerTry = -time.Second }, []string{"resilience.timeouts.per_try: must be 0 (off) or positive"}},
		{"faults", func(c *Config) {
			c.Faults = map[string]FaultConfig{
				"a": {DelayPercent: 120, Delay: time.Second},
				"b": {DelayPercent: 10},
				"c": {AbortPercent: 10, AbortStatus: 200},
				"d": {AbortPercent: -1, AbortStatus: 503},
				"":  {},
			}
		}, []string{
			`resilience.faults["a"].delay_percent: must be between 0 and 100, e.g. 10; got 120`,
			`resilience.faults["b"].delay: must be positive when delay_percent is set, e.g. 500ms; got 0s`,
			`resilience.faults["c"].abort_status: must be an HTTP error status (400 to 599) when abort_percent is set, e.g. 503; got 200`,
			`resilience.faults["d"].abort_percent: must be between 0 and 100, e.g. 10; got -1`,
			`resilience.faults[""]: a service name is required`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.change(&cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q\nwant it to contain %q", err, w)
				}
			}
			if _, err := New(cfg, nil, nil, nil); err == nil {
				t.Error("New accepted the invalid config")
			}
		})
	}
}

func TestValidSettingsAtTheEdges(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Breaker.ConsecutiveFailures, cfg.Breaker.FailureRatio = 0, 0 // breakers off
	cfg.Breaker.MaxEjectionPercent = 0                               // still one
	cfg.Retry.MaxAttempts, cfg.Retry.BudgetRatio, cfg.Retry.BudgetMinPerSecond = 1, 0, 0
	cfg.Balancer.FailurePenalty, cfg.Balancer.MaxRetryAfter = 0, 0
	cfg.Faults = map[string]FaultConfig{"off": {}, "all": {DelayPercent: 100, Delay: time.Millisecond, AbortPercent: 100, AbortStatus: 599}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}
