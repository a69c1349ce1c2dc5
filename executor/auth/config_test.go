package auth

import (
	"reflect"
	"testing"
	"time"
)

func TestDefaultConfig(t *testing.T) {
	want := Config{
		Header:             "Authorization",
		Scheme:             "Bearer",
		Algorithms:         []string{"ES256", "ES384", "ES512", "EdDSA", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"},
		RequireExp:         true,
		ClockSkew:          time.Minute,
		ScopeClaim:         "scope",
		Refresh:            time.Minute,
		MinRefetchInterval: 30 * time.Second,
		FetchTimeout:       5 * time.Second,
	}
	if got := DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("DefaultConfig() = %+v; want %+v", got, want)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"valid", func(*Config) {}, ""},
		{"no jwks", func(c *Config) { c.JWKS = nil }, "auth.jwks: list at least one source, e.g. - url: https://issuer.example/.well-known/jwks.json"},
		{"file and url", func(c *Config) { c.JWKS = append(c.JWKS, JWKSSource{File: "k.json", URL: "https://x/k"}) }, "auth.jwks[1]: set file or url, not both"},
		{"empty source", func(c *Config) { c.JWKS = []JWKSSource{{}} }, "auth.jwks[0]: set file or url"},
		{"bad url", func(c *Config) { c.JWKS = []JWKSSource{{URL: "ftp://x/k"}} }, `auth.jwks[0].url: "ftp://x/k" is not an http or https URL`},
		{"url without host", func(c *Config) { c.JWKS = []JWKSSource{{URL: "https:///k"}} }, `auth.jwks[0].url: "https:///k" is not an http or https URL`},
		{"no header", func(c *Config) { c.Header = "" }, `auth.header: "" is not a header name; use e.g. Authorization`},
		{"header with colon", func(c *Config) { c.Header = "Authorization:" }, `auth.header: "Authorization:" is not a header name; use e.g. Authorization`},
		{"scheme with space", func(c *Config) { c.Scheme = "Bearer " }, `auth.scheme: "Bearer " is not a scheme name; use e.g. Bearer, or empty for a bare token`},
		{"no scheme", func(c *Config) { c.Scheme = "" }, ""},
		{"none", func(c *Config) { c.Algorithms = []string{"RS256", "none"} }, `auth.algorithms[1]: "none" is never allowed: it accepts unsigned tokens`},
		{"None", func(c *Config) { c.Algorithms = []string{"None"} }, `auth.algorithms[0]: "None" is never allowed: it accepts unsigned tokens`},
		{"unknown algorithm", func(c *Config) { c.Algorithms = []string{"rs256"} }, `auth.algorithms[0]: unknown algorithm "rs256"; use one of ES256, ES384, ES512, EdDSA, HS256, HS384, HS512, PS256, PS384, PS512, RS256, RS384, RS512`},
		{"no algorithms", func(c *Config) { c.Algorithms = nil }, "auth.algorithms: list at least one, e.g. RS256"},
		{"HS256", func(c *Config) { c.Algorithms = []string{"HS256"} }, ""},
		{"empty issuer", func(c *Config) { c.Issuers = []string{"a", ""} }, "auth.issuers[1]: empty; remove it or set a value"},
		{"empty audience", func(c *Config) { c.Audiences = []string{""} }, "auth.audiences[0]: empty; remove it or set a value"},
		{"negative skew", func(c *Config) { c.ClockSkew = -time.Second }, "auth.clock_skew: -1s is negative; use 0 for none or e.g. 60s"},
		{"no scope claim", func(c *Config) { c.ScopeClaim = "" }, "auth.scope_claim: set the claim that holds the scopes, e.g. scope"},
		{"no refresh", func(c *Config) { c.Refresh = 0 }, "auth.refresh: 0s must be positive, e.g. 1m"},
		{"no refetch interval", func(c *Config) { c.MinRefetchInterval = 0 }, "auth.min_refetch_interval: 0s must be positive, e.g. 30s"},
		{"no fetch timeout", func(c *Config) { c.FetchTimeout = -1 }, "auth.fetch_timeout: -1ns must be positive, e.g. 5s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.JWKS = []JWKSSource{{URL: "https://issuer.example/jwks.json"}}
			tc.edit(&cfg)
			err := cfg.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Fatalf("Validate() = %q; want %q", got, tc.want)
			}
			if err != nil {
				if _, nerr := New(cfg, nil, nil); nerr == nil || nerr.Error() != tc.want {
					t.Fatalf("New = %v; want the Validate error", nerr)
				}
			}
		})
	}
}
