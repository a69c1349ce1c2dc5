package ratelimit

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Redis.URL = "redis://127.0.0.1:6379/0"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("DefaultConfig with a Redis URL: %v", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Config)
		want   []string // each must appear in the error
	}{
		{"zero limit", func(c *Config) { c.Limit = 0 }, []string{"rate_limit.limit: must be a positive number of cost points, e.g. 1000; got 0"}},
		{"negative limit", func(c *Config) { c.Limit = -1 }, []string{"rate_limit.limit:", "got -1"}},
		{"NaN limit", func(c *Config) { c.Limit = math.NaN() }, []string{"rate_limit.limit:", "got NaN"}},
		{"infinite limit", func(c *Config) { c.Limit = math.Inf(1) }, []string{"rate_limit.limit:", "got +Inf"}},
		{"zero window", func(c *Config) { c.Window = 0 }, []string{"rate_limit.window: must be at least 1ms, e.g. 1m; got 0s"}},
		{"window under a millisecond", func(c *Config) { c.Window = time.Microsecond }, []string{"rate_limit.window:", "got 1µs"}},
		{"max clients", func(c *Config) { c.MaxClients = 0 }, []string{"rate_limit.max_clients: must be positive, e.g. 100000; got 0"}},
		{"override", func(c *Config) {
			c.Overrides = map[string]Budget{"good": {Limit: 1, Window: time.Second}, "partner-b": {Window: time.Second}, "partner-a": {Limit: 5}}
		}, []string{
			`rate_limit.overrides["partner-a"].window: must be at least 1ms, e.g. 1m; got 0s` + "\n" +
				`rate_limit.overrides["partner-b"].limit: must be a positive number of cost points, e.g. 1000; got 0`,
		}},
		{"redis url", func(c *Config) { c.Redis.URL = "http://redis:6379" }, []string{"rate_limit.redis.url:", "write it as redis://[:password@]host:port/db"}},
		{"redis timeout", func(c *Config) { c.Redis.URL, c.Redis.Timeout = "redis://r:6379", 0 }, []string{"rate_limit.redis.timeout: must be positive, e.g. 50ms; got 0s"}},
		{"redis probe", func(c *Config) { c.Redis.URL, c.Redis.ProbeInterval = "redis://r:6379", -time.Second }, []string{"rate_limit.redis.probe_interval: must be positive, e.g. 1s; got -1s"}},
		{"several at once", func(c *Config) { c.Limit, c.Window = 0, 0 }, []string{"rate_limit.limit:", "rate_limit.window:"}},
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
			if _, err := New(cfg, nil); err == nil {
				t.Error("New accepted the invalid config")
			}
		})
	}
}

func TestRedisSettingsIgnoredWithoutURL(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Redis = RedisConfig{}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("empty RedisConfig without URL: %v", err)
	}
}
