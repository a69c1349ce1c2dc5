package auth

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAuthenticateValid(t *testing.T) {
	a := fileAuth(t, nil, rsaSigner(), ecSigner(), edSigner())
	for _, s := range []signer{rsaSigner(), ecSigner(), edSigner()} {
		t.Run(string(s.alg), func(t *testing.T) {
			id, err := a.Authenticate(bearer(s.sign(t, claims(nil))))
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if id.Subject != "user-1" || !slices.Equal(id.Scopes, []string{"read:products", "write:reviews"}) {
				t.Errorf("identity = %q %q; want user-1 [read:products write:reviews]", id.Subject, id.Scopes)
			}
			if id.Claims["iss"] != "https://issuer.test" || id.Claims["exp"].(interface{ String() string }).String() != "1796040000" {
				t.Errorf("claims = %v", id.Claims)
			}
		})
	}
}

func TestAuthenticateAnonymous(t *testing.T) {
	a := fileAuth(t, nil, rsaSigner())
	id, err := a.Authenticate(request())
	if id != nil || err != nil {
		t.Fatalf("Authenticate(no header) = %v, %v; want nil, nil", id, err)
	}
}

func TestAuthenticateClaims(t *testing.T) {
	noExp := func(c *Config) { c.RequireExp = false }
	noChecks := func(c *Config) { c.Issuers, c.Audiences = nil, nil }
	for _, tc := range []struct {
		name  string
		edits map[string]any
		cfg   func(*Config)
		want  string
	}{
		{"valid", nil, nil, ""},
		{"expired", map[string]any{"exp": t0.Add(-2 * time.Minute).Unix()}, nil, "the token expired at 2026-11-30T10:58:00Z"},
		{"expired at the skew's edge", map[string]any{"exp": t0.Add(-time.Minute).Unix()}, nil, "the token expired at 2026-11-30T10:59:00Z"},
		{"expired within skew", map[string]any{"exp": t0.Add(-30 * time.Second).Unix()}, nil, ""},
		{"expired, no skew", map[string]any{"exp": t0.Add(-time.Second).Unix()}, func(c *Config) { c.ClockSkew = 0 }, "the token expired at 2026-11-30T10:59:59Z"},
		{"fractional exp", map[string]any{"exp": float64(t0.Unix()) + 90.5}, nil, ""},
		{"no exp", map[string]any{"exp": nil}, nil, "the token has no exp claim; it must expire"},
		{"no exp, not required", map[string]any{"exp": nil}, noExp, ""},
		{"exp not a number", map[string]any{"exp": "tomorrow"}, nil, "the token's exp claim must be a number of seconds"},
		{"exp out of range", map[string]any{"exp": 1e300}, nil, "the token's exp claim is out of range"},
		{"nbf in the future", map[string]any{"nbf": t0.Add(2 * time.Minute).Unix()}, nil, "the token is not valid before 2026-11-30T11:02:00Z"},
		{"nbf within skew", map[string]any{"nbf": t0.Add(30 * time.Second).Unix()}, nil, ""},
		{"nbf past", map[string]any{"nbf": t0.Add(-time.Hour).Unix()}, nil, ""},
		{"wrong issuer", map[string]any{"iss": "https://evil.test"}, nil, `the token's issuer "https://evil.test" is not accepted`},
		{"no issuer", map[string]any{"iss": nil}, nil, "the token has no iss claim (a string)"},
		{"issuer not a string", map[string]any{"iss": 7}, nil, "the token has no iss claim (a string)"},
		{"second issuer", map[string]any{"iss": "https://other.test"}, func(c *Config) { c.Issuers = append(c.Issuers, "https://other.test") }, ""},
		{"wrong audience", map[string]any{"aud": "billing"}, nil, "the token's audience is not accepted"},
		{"audience array", map[string]any{"aud": []any{"billing", "trellis"}}, nil, ""},
		{"audience array without ours", map[string]any{"aud": []any{"billing", 3}}, nil, "the token's audience is not accepted"},
		{"no audience", map[string]any{"aud": nil}, nil, "the token has no aud claim"},
		{"audience object", map[string]any{"aud": map[string]any{"x": 1}}, nil, "the token's aud claim must be a string or an array of strings"},
		{"no issuer or audience configured", map[string]any{"iss": nil, "aud": nil}, noChecks, ""},
		{"sub not a string", map[string]any{"sub": 42}, nil, "the token's sub claim must be a string"},
		{"scope not a string", map[string]any{"scope": 42}, nil, "the token's scope claim must be a space-separated string or an array of strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fileAuth(t, tc.cfg, rsaSigner())
			_, err := a.Authenticate(bearer(rsaSigner().sign(t, claims(tc.edits))))
			if got := message(t, err); got != tc.want {
				t.Fatalf("Authenticate = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestAuthenticateHeader(t *testing.T) {
	good := rsaSigner().sign(t, claims(nil))
	for _, tc := range []struct {
		name   string
		cfg    func(*Config)
		header []string
		want   string
	}{
		{"bearer", nil, []string{"Authorization", "Bearer " + good}, ""},
		{"scheme is case-insensitive", nil, []string{"Authorization", "bearer " + good}, ""},
		{"spaces around", nil, []string{"Authorization", "  Bearer   " + good + " "}, ""},
		{"Bearer without token", nil, []string{"Authorization", "Bearer"}, `the Authorization header has no token after "Bearer"`},
		{"Bearer and spaces", nil, []string{"Authorization", "Bearer   "}, `the Authorization header has no token after "Bearer"`},
		{"Basic", nil, []string{"Authorization", "Basic dXNlcjpwYXNz"}, `the Authorization header must be "Bearer " followed by a token`},
		{"token without scheme", nil, []string{"Authorization", good}, `the Authorization header must be "Bearer " followed by a token`},
		{"empty", nil, []string{"Authorization", ""}, "the Authorization header is empty"},
		{"garbage", nil, []string{"Authorization", "Bearer garbage"}, "the token is not a well-formed JWT (three base64url parts: header.payload.signature)"},
		{"bad base64", nil, []string{"Authorization", "Bearer a.b.c"}, "the token is not a well-formed JWT (three base64url parts: header.payload.signature)"},
		{"two tokens", nil, []string{"Authorization", "Bearer " + good, "Authorization", "Bearer " + good}, "the request has 2 Authorization headers; send one"},
		{"at the size limit", nil, []string{"Authorization", "Bearer " + strings.Repeat("a", 8192-7)}, "the token is not a well-formed JWT (three base64url parts: header.payload.signature)"},
		{"oversized", nil, []string{"Authorization", "Bearer " + strings.Repeat("a", 8192-6)}, "the Authorization header is 8193 bytes, over the limit of 8192"},
		{"custom header, bare token", func(c *Config) { c.Header, c.Scheme = "X-Token", "" }, []string{"X-Token", good}, ""},
		{"custom header ignores Authorization", func(c *Config) { c.Header = "X-Token" }, []string{"Authorization", "Bearer garbage"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fileAuth(t, tc.cfg, rsaSigner())
			_, err := a.Authenticate(request(tc.header...))
			if got := message(t, err); got != tc.want {
				t.Fatalf("Authenticate = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	a := fileAuth(t, nil, rsaSigner())
	_, err := a.Authenticate(bearer("garbage"))
	want := "auth: the token is not a well-formed JWT (three base64url parts: header.payload.signature): go-jose/go-jose: compact JWS format must have three parts"
	if err == nil || err.Error() != want {
		t.Fatalf("Error() = %v; want %q", err, want)
	}
}
