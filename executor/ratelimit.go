package executor

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/trellis-gql/trellis/executor/ratelimit"
)

// RateLimitConfig meters each client's operations by their estimated cost.
type RateLimitConfig struct {
	// Enabled turns rate limiting on.
	Enabled bool
	// Budgets are the points per window, per-client overrides and where the state lives.
	// Overrides are keyed by client key: "sub:SUBJECT", "key:API_KEY" or "ip:ADDRESS".
	Budgets ratelimit.Config
	// ClientKey lists how a client is identified, first match wins: "subject" (the JWT's
	// sub), "api_key" (the APIKeyHeader) and "address" (the connection's IP address, never
	// a forwarded header). Default: all three in that order.
	ClientKey []string
	// APIKeyHeader is the header that carries an API key.
	APIKeyHeader string
	// APIKeys are the keys that identify a client. A key not listed identifies nobody (the
	// next way in ClientKey applies): a client could otherwise get a fresh budget with every
	// invented key.
	APIKeys []string
	// MinCost is the least an operation spends, whatever its estimate: an operation of
	// scalar fields costs 0 by the cost rules, yet it is work the subgraphs do.
	MinCost float64
}

// DefaultRateLimitConfig is off, with ratelimit's default budget when turned on.
func DefaultRateLimitConfig() RateLimitConfig {
	return RateLimitConfig{
		Budgets:      ratelimit.DefaultConfig(),
		ClientKey:    []string{"subject", "api_key", "address"},
		APIKeyHeader: "X-API-Key",
		MinCost:      1,
	}
}

// Validate checks the client keys and, when enabled, the budgets.
func (c RateLimitConfig) Validate() error {
	if !c.Enabled {
		return nil
	}
	if len(c.ClientKey) == 0 {
		return errors.New("rate_limit.client_key: list at least one of subject, api_key, address")
	}
	for i, k := range c.ClientKey {
		if k != "subject" && k != "api_key" && k != "address" {
			return fmt.Errorf("rate_limit.client_key[%d]: %q is not one of subject, api_key, address", i, k)
		}
		if k == "api_key" && c.APIKeyHeader == "" {
			return errors.New("rate_limit.api_key_header: name the header that carries API keys, e.g. X-API-Key")
		}
	}
	if !(c.MinCost >= 0) {
		return fmt.Errorf("rate_limit.min_cost: must be 0 or more, e.g. 1; got %v", c.MinCost)
	}
	for client := range c.Budgets.Overrides {
		if !strings.HasPrefix(client, "sub:") && !strings.HasPrefix(client, "key:") && !strings.HasPrefix(client, "ip:") {
			return fmt.Errorf("rate_limit.overrides[%q]: name the client as sub:SUBJECT, key:API_KEY or ip:ADDRESS", client)
		}
	}
	return c.Budgets.Validate()
}

// newLimiter builds the limiter. API keys in override keys are hashed like the keys of
// requests, so that neither memory nor Redis holds them in clear.
func newLimiter(cfg RateLimitConfig, log *slog.Logger) (*ratelimit.Limiter, error) {
	budgets := cfg.Budgets
	if len(budgets.Overrides) > 0 {
		budgets.Overrides = make(map[string]ratelimit.Budget, len(cfg.Budgets.Overrides))
		for k, b := range cfg.Budgets.Overrides {
			if key, ok := strings.CutPrefix(k, "key:"); ok {
				k = apiKeyClient(key)
			}
			budgets.Overrides[k] = b
		}
	}
	return ratelimit.New(budgets, log)
}

func apiKeyClient(key string) string { return fmt.Sprintf("key:%x", sha256.Sum256([]byte(key))) }

// clientKey identifies the caller for rate limiting.
func (g *Gateway) clientKey(r *http.Request, c *caller) string {
	for _, k := range g.cfg.RateLimit.ClientKey {
		switch k {
		case "subject":
			if c.subject != "" {
				return "sub:" + c.subject
			}
		case "api_key":
			if v := r.Header.Get(g.cfg.RateLimit.APIKeyHeader); v != "" && g.apiKeys[v] {
				return apiKeyClient(v)
			}
		case "address":
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				host = r.RemoteAddr
			}
			return "ip:" + host
		}
	}
	return "anonymous"
}

// rateLimit spends the operation's estimated cost from the client's budget and sets the
// RateLimit headers.
func (g *Gateway) rateLimit(w http.ResponseWriter, r *http.Request, x *admitted) *requestError {
	if g.limiter == nil {
		return nil
	}
	d := g.limiter.Take(r.Context(), g.clientKey(r, x.caller), max(x.estimated, g.cfg.RateLimit.MinCost))
	d.SetHeaders(w.Header())
	if d.Allowed {
		return nil
	}
	msg := fmt.Sprintf("rate limit: the operation costs %g points and %g of your %g per %s remain; retry after %s",
		x.estimated, d.Remaining, d.Limit, d.Window, d.RetryAfter.Round(1e6))
	if d.Never {
		msg = fmt.Sprintf("rate limit: the operation costs %g points, more than your whole budget of %g per %s; it can never run: select less",
			x.estimated, d.Limit, d.Window)
	}
	ge := newError(CodeRateLimited, msg)
	ge.Extensions["cost"] = x.estimated
	return &requestError{status: http.StatusTooManyRequests, errs: []gqlError{ge}}
}

// budgetHeaders sets the RateLimit headers of a request refused before the limiter: it
// spends nothing.
func (g *Gateway) budgetHeaders(w http.ResponseWriter, r *http.Request, c *caller) {
	if g.limiter == nil || w.Header().Get("RateLimit-Limit") != "" {
		return
	}
	g.limiter.Take(r.Context(), g.clientKey(r, c), 0).SetHeaders(w.Header())
}
