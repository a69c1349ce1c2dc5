package resilience

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
)

// Config configures every layer of the client. Start from DefaultConfig: a zero sub-config
// does not validate.
type Config struct {
	// Balancer picks the endpoint of each try (power of two choices over peak-EWMA latency).
	Balancer BalancerConfig
	// Breaker ejects failing endpoints for a while (per-endpoint circuit breakers).
	Breaker BreakerConfig
	// Retry sends idempotent requests again, elsewhere, within a budget.
	Retry RetryConfig
	// Timeouts bounds each request per service and propagates the deadline.
	Timeouts TimeoutConfig
	// Faults injects delays and aborts, per service name, for resilience testing. Off (nil)
	// by default.
	Faults map[string]FaultConfig
	// Zone is the gateway's own locality. When set, endpoints of this zone get all the traffic
	// while any of them is healthy. Empty: no preference.
	Zone string
}

// DefaultConfig returns the defaults of Linkerd, Envoy and Cosmo described in each field,
// without zone preference and without faults.
func DefaultConfig() Config {
	return Config{
		Balancer: DefaultBalancerConfig(),
		Breaker:  DefaultBreakerConfig(),
		Retry:    DefaultRetryConfig(),
		Timeouts: DefaultTimeoutConfig(),
	}
}

// Validate reports every invalid setting, each naming its key (resilience.retry.budget_ratio).
func (c Config) Validate() error {
	errs := []error{c.Balancer.Validate(), c.Breaker.Validate(), c.Retry.Validate(), c.Timeouts.Validate()}
	for _, name := range slices.Sorted(maps.Keys(c.Faults)) {
		errs = append(errs, c.Faults[name].validate(fmt.Sprintf("resilience.faults[%q]", name)))
		if name == "" {
			errs = append(errs, errors.New(`resilience.faults[""]: a service name is required`))
		}
	}
	return errors.Join(errs...)
}

// checks accumulates the errors of one sub-config.
type checks []error

func (cs *checks) add(ok bool, key, format string, args ...any) {
	if !ok {
		*cs = append(*cs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
}

func (cs *checks) positive(key string, d time.Duration, example string) {
	cs.add(d > 0, key, "must be positive, e.g. %s; got %v", example, d)
}

func (cs *checks) notNegative(key string, d time.Duration, example string) {
	cs.add(d >= 0, key, "must be 0 (off) or positive, e.g. %s; got %v", example, d)
}

// between checks lo <= x <= hi, which NaN fails.
func (cs *checks) between(key string, x, lo, hi float64, example string) {
	cs.add(x >= lo && x <= hi && !math.IsNaN(x), key, "must be between %v and %v, e.g. %s; got %v", lo, hi, example, x)
}

func (cs checks) err() error { return errors.Join(cs...) }
