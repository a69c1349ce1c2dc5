package auth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config configures JWT authentication. Only cmd/trellis knows the YAML file; the keys named in
// Validate's messages are those of its "auth" section.
type Config struct {
	// Header is the request header that carries the token. A request without it is anonymous.
	Header string
	// Scheme is the authentication scheme in front of the token ("Bearer" in
	// "Authorization: Bearer <token>"), compared case-insensitively. Empty means the whole
	// header value is the token.
	Scheme string
	// JWKS lists the sources of the verification keys. A token's key is looked up in all of
	// them. At least one is required.
	JWKS []JWKSSource
	// Algorithms are the signature algorithms a token may use. "none" is never accepted. The
	// HMAC algorithms (HS256, HS384, HS512) verify only with a JWKS key of type "oct" and must be
	// listed here explicitly; a public key is never used as an HMAC secret.
	Algorithms []string
	// Issuers, when not empty, are the accepted values of the "iss" claim; a token must carry
	// one of them.
	Issuers []string
	// Audiences, when not empty, are the accepted values of the "aud" claim; a token must name
	// at least one of them.
	Audiences []string
	// RequireExp refuses a token without an "exp" claim. Apollo Router checks "exp" only when
	// present; a token that never expires is refused here by default.
	RequireExp bool
	// ClockSkew is the tolerance applied to "exp" and "nbf", for clocks that disagree with the
	// issuer's.
	ClockSkew time.Duration
	// ScopeClaim names the claim that holds the caller's scopes: a space-separated string (as
	// in OAuth 2.0's "scope") or an array of strings.
	ScopeClaim string
	// Refresh is how often the keys of URL sources are fetched again, in a background
	// goroutine. A failed fetch keeps the last good keys.
	Refresh time.Duration
	// MinRefetchInterval is the least time between two fetches caused by a token whose key id
	// is unknown, so that tokens with random key ids cannot make the gateway hammer the JWKS
	// endpoint. Scheduled refreshes are not counted.
	MinRefetchInterval time.Duration
	// FetchTimeout bounds one fetch of a JWKS URL, and so the longest a request waits for the
	// keys when its key id is unknown.
	FetchTimeout time.Duration
}

// JWKSSource is one place to load a JSON Web Key Set from: a file or an HTTP(S) URL.
type JWKSSource struct {
	// File is the path of a JWKS file, read once by New.
	File string
	// URL is the address of a JWKS document, fetched by New and then every Config.Refresh.
	URL string
	// Issuer, when set, ties these keys to one issuer: they verify only tokens whose iss is
	// Issuer. With several identity providers, set it on each source, so that one
	// provider's key cannot sign a token in another's name.
	Issuer string
}

// DefaultConfig returns the defaults of Apollo Router, except that "exp" is required. JWKS is
// empty and must be set.
func DefaultConfig() Config {
	return Config{
		Header:             "Authorization",
		Scheme:             "Bearer",
		Algorithms:         asymmetricAlgorithms(),
		RequireExp:         true,
		ClockSkew:          60 * time.Second,
		ScopeClaim:         "scope",
		Refresh:            time.Minute,
		MinRefetchInterval: 30 * time.Second,
		FetchTimeout:       5 * time.Second,
	}
}

// Validate reports the first invalid setting, named by its configuration key.
func (c Config) Validate() error {
	if c.Header == "" || !isToken(c.Header) {
		return fmt.Errorf("auth.header: %q is not a header name; use e.g. Authorization", c.Header)
	}
	if c.Scheme != "" && !isToken(c.Scheme) {
		return fmt.Errorf("auth.scheme: %q is not a scheme name; use e.g. Bearer, or empty for a bare token", c.Scheme)
	}
	if err := validateSources(c.JWKS); err != nil {
		return err
	}
	if err := validateAlgorithms(c.Algorithms); err != nil {
		return err
	}
	if err := validateNonEmpty("auth.issuers", c.Issuers); err != nil {
		return err
	}
	if err := validateNonEmpty("auth.audiences", c.Audiences); err != nil {
		return err
	}
	if c.ClockSkew < 0 {
		return fmt.Errorf("auth.clock_skew: %v is negative; use 0 for none or e.g. 60s", c.ClockSkew)
	}
	if c.ScopeClaim == "" {
		return errors.New("auth.scope_claim: set the claim that holds the scopes, e.g. scope")
	}
	if c.Refresh <= 0 {
		return fmt.Errorf("auth.refresh: %v must be positive, e.g. 1m", c.Refresh)
	}
	if c.MinRefetchInterval <= 0 {
		return fmt.Errorf("auth.min_refetch_interval: %v must be positive, e.g. 30s", c.MinRefetchInterval)
	}
	if c.FetchTimeout <= 0 {
		return fmt.Errorf("auth.fetch_timeout: %v must be positive, e.g. 5s", c.FetchTimeout)
	}
	return nil
}

func validateSources(sources []JWKSSource) error {
	if len(sources) == 0 {
		return errors.New("auth.jwks: list at least one source, e.g. - url: https://issuer.example/.well-known/jwks.json")
	}
	for i, s := range sources {
		switch {
		case s.File != "" && s.URL != "":
			return fmt.Errorf("auth.jwks[%d]: set file or url, not both", i)
		case s.File == "" && s.URL == "":
			return fmt.Errorf("auth.jwks[%d]: set file or url", i)
		case s.URL != "":
			u, err := url.Parse(s.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("auth.jwks[%d].url: %q is not an http or https URL", i, s.URL)
			}
		}
	}
	return nil
}

func validateAlgorithms(algs []string) error {
	if len(algs) == 0 {
		return errors.New("auth.algorithms: list at least one, e.g. RS256")
	}
	for i, a := range algs {
		if strings.EqualFold(a, "none") {
			return fmt.Errorf("auth.algorithms[%d]: %q is never allowed: it accepts unsigned tokens", i, a)
		}
		if _, ok := algorithmKinds[a]; !ok {
			return fmt.Errorf("auth.algorithms[%d]: unknown algorithm %q; use one of %s", i, a, strings.Join(knownAlgorithms(), ", "))
		}
	}
	return nil
}

func validateNonEmpty(key string, values []string) error {
	for i, v := range values {
		if v == "" {
			return fmt.Errorf("%s[%d]: empty; remove it or set a value", key, i)
		}
	}
	return nil
}

// isToken reports whether s is an RFC 9110 token, the syntax of header and scheme names.
func isToken(s string) bool {
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return s != ""
}
