package resilience

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// TimeoutConfig bounds requests. A request's deadline is the earliest of its context's
// deadline (the client's own, which the gateway passes on) and now plus the service's
// timeout; every try carries what is left of it in the DeadlineHeader.
type TimeoutConfig struct {
	// Default bounds a request to any service PerService does not name, retries and their
	// waits included. Default 30s (Apollo Router's subgraph timeout).
	Default time.Duration
	// PerService overrides Default for the services it names.
	PerService map[string]time.Duration
	// PerTry bounds each try of a request that may be retried, so that a hung endpoint
	// leaves time for a retry elsewhere; the request's deadline still bounds the whole. 0: a
	// try may use all the time left. Default 0 (as in Envoy and Linkerd): a per-try timeout
	// shorter than a slow but healthy subgraph's answer would fail it on every endpoint.
	PerTry time.Duration
}

// DefaultTimeoutConfig returns 30s per request and no per-try timeout.
func DefaultTimeoutConfig() TimeoutConfig {
	return TimeoutConfig{Default: 30 * time.Second}
}

// Validate reports every invalid setting.
func (c TimeoutConfig) Validate() error {
	var cs checks
	cs.positive("resilience.timeouts.default", c.Default, "30s")
	for _, name := range slices.Sorted(maps.Keys(c.PerService)) {
		key := fmt.Sprintf("resilience.timeouts.per_service[%q]", name)
		cs.positive(key, c.PerService[name], "10s")
		cs.add(name != "", key, "a service name is required")
	}
	cs.notNegative("resilience.timeouts.per_try", c.PerTry, "10s")
	return cs.err()
}

func (c TimeoutConfig) of(service string) time.Duration {
	if d, ok := c.PerService[service]; ok {
		return d
	}
	return c.Default
}

// deadline is the layer that bounds a request by its service's timeout.
type deadline struct {
	next http.RoundTripper
	cfg  TimeoutConfig
}

func (d *deadline) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		closeBody(req)
		return nil, err
	}
	end := time.Now().Add(d.cfg.of(callFrom(ctx).target.Service))
	if dl, ok := ctx.Deadline(); ok && !dl.After(end) {
		return d.next.RoundTrip(req)
	}
	ctx, cancel := context.WithDeadline(ctx, end)
	resp, err := d.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// HonourDeadline is for subgraphs written in Go: it bounds each request's context by the
// DeadlineHeader the gateway sends, so that work the gateway no longer waits for stops.
func HonourDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.ParseInt(r.Header.Get(DeadlineHeader), 10, 64)
		if err != nil || ms <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), time.Duration(ms)*time.Millisecond)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
