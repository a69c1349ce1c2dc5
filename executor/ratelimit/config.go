package ratelimit

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// minWindow is the shortest window accepted: Redis computes on microseconds, and a budget
// refilled in less than a millisecond is not a rate limit anyone means.
const minWindow = time.Millisecond

// Config sets the budgets and where their state lives. Start from DefaultConfig.
type Config struct {
	// Limit is the budget of every client without an override: the cost points it may spend
	// per Window, and also the most it may spend at once (a client idle for a Window has all
	// of it). Points are float64, in the unit of the gateway's cost estimate. Default 1000.
	Limit float64

	// Window is the time in which a spent budget refills completely, continuously: Limit/Window
	// points come back per unit of time. Default one minute.
	Window time.Duration

	// Overrides gives some clients, by the key the gateway identifies them with, their own
	// budget in place of Limit and Window.
	Overrides map[string]Budget

	// MaxClients caps the clients whose state is held in memory. Beyond it, a new client takes
	// the place of one sampled among those whose budget is closest to full (full ones first,
	// which loses nothing). Clients are spread over up to 256 shards of MaxClients/shards each,
	// so eviction may start a little before MaxClients. Each client costs about 70 bytes plus
	// its key. With Redis, this bounds the fallback state only; Redis expires full budgets
	// itself. Default 100 000.
	MaxClients int

	// Redis, when Redis.URL is set, shares budgets between gateways.
	Redis RedisConfig
}

// Budget is one client's override of Config.Limit and Config.Window.
type Budget struct {
	// Limit is the cost points this client may spend per Window.
	Limit float64
	// Window is the time in which this client's spent budget refills completely.
	Window time.Duration
}

// RedisConfig points the limiter at a Redis shared by all gateways.
type RedisConfig struct {
	// URL of the Redis server, such as redis://:password@10.0.0.5:6379/0 (rediss:// for TLS).
	// Empty keeps the state in memory only. Timeouts and retries given in the URL's query are
	// replaced by Timeout and no retry.
	URL string

	// Timeout bounds one decision through Redis, connection included. Past it the decision is
	// taken in memory and Redis counts as down. Default 50ms.
	Timeout time.Duration

	// Prefix starts every key the limiter writes, followed by the client key. Default
	// "trellis:ratelimit:".
	Prefix string

	// ProbeInterval is how often, while Redis is down, one request tries it again; the others
	// do not wait for it. Default one second.
	ProbeInterval time.Duration
}

// DefaultConfig returns a budget of 1000 points per minute per client, in memory.
func DefaultConfig() Config {
	return Config{
		Limit:      1000,
		Window:     time.Minute,
		MaxClients: 100_000,
		Redis: RedisConfig{
			Timeout:       50 * time.Millisecond,
			Prefix:        "trellis:ratelimit:",
			ProbeInterval: time.Second,
		},
	}
}

// Validate reports every setting New cannot honour, each naming its configuration key.
func (c Config) Validate() error {
	errs := []error{
		checkLimit("rate_limit.limit", c.Limit),
		checkWindow("rate_limit.window", c.Window),
	}
	for _, client := range slices.Sorted(maps.Keys(c.Overrides)) {
		b := c.Overrides[client]
		key := fmt.Sprintf("rate_limit.overrides[%q]", client)
		errs = append(errs, checkLimit(key+".limit", b.Limit), checkWindow(key+".window", b.Window))
	}
	if c.MaxClients <= 0 {
		errs = append(errs, fmt.Errorf("rate_limit.max_clients: must be positive, e.g. 100000; got %d", c.MaxClients))
	}
	if c.Redis.URL != "" {
		errs = append(errs, c.Redis.validate())
	}
	return errors.Join(errs...)
}

func (r RedisConfig) validate() error {
	var errs []error
	if _, err := redis.ParseURL(r.URL); err != nil {
		errs = append(errs, fmt.Errorf("rate_limit.redis.url: %w; write it as redis://[:password@]host:port/db", err))
	}
	if r.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("rate_limit.redis.timeout: must be positive, e.g. 50ms; got %v", r.Timeout))
	}
	if r.ProbeInterval <= 0 {
		errs = append(errs, fmt.Errorf("rate_limit.redis.probe_interval: must be positive, e.g. 1s; got %v", r.ProbeInterval))
	}
	return errors.Join(errs...)
}

func checkLimit(key string, limit float64) error {
	if limit > 0 && !math.IsInf(limit, 1) {
		return nil
	}
	return fmt.Errorf("%s: must be a positive number of cost points, e.g. 1000; got %v", key, limit)
}

func checkWindow(key string, w time.Duration) error {
	if w >= minWindow {
		return nil
	}
	return fmt.Errorf("%s: must be at least %v, e.g. 1m; got %v", key, minWindow, w)
}
