package auth

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/go-jose/go-jose/v4"
)

// Authenticator verifies the JWT of gateway requests. It is safe for concurrent use.
type Authenticator struct {
	cfg       Config
	algs      []jose.SignatureAlgorithm
	keys      *keyStore
	verified  *ristretto.Cache[string, *verified]
	now       func() time.Time
	closeOnce sync.Once
}

// New validates cfg, reads its JWKS files and fetches its JWKS URLs, and starts the goroutine
// that refreshes the URL keys until Close. A file that cannot be read or holds no usable key is
// an error; a URL that cannot be fetched is logged and retried, so that an identity provider
// that is down does not stop the gateway (tokens are refused until its keys arrive).
// client fetches the URLs (nil: a new http.Client, bounded by Config.FetchTimeout); log
// receives failed fetches and skipped keys (nil: discard).
func New(cfg Config, client *http.Client, log *slog.Logger) (*Authenticator, error) {
	return newAuthenticator(cfg, client, log, time.Now)
}

// newAuthenticator is New with a clock, for tests.
func newAuthenticator(cfg Config, client *http.Client, log *slog.Logger, now func() time.Time) (*Authenticator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Algorithms = append([]string(nil), cfg.Algorithms...)
	cfg.Issuers = append([]string(nil), cfg.Issuers...)
	cfg.Audiences = append([]string(nil), cfg.Audiences...)
	a := &Authenticator{cfg: cfg, now: now}
	for _, alg := range cfg.Algorithms {
		a.algs = append(a.algs, jose.SignatureAlgorithm(alg))
	}
	keys, err := newKeyStore(cfg, client, log, now)
	if err != nil {
		return nil, err
	}
	a.keys = keys
	if a.verified, err = newVerifiedCache(); err != nil {
		keys.close()
		return nil, err
	}
	return a, nil
}

// Authenticate returns the identity of r's caller: nil and no error when r carries no token
// (an anonymous caller), an *Error when the token cannot be accepted. It blocks only when the
// token's key id is unknown, for at most Config.FetchTimeout or until r's context ends.
func (a *Authenticator) Authenticate(r *http.Request) (*Identity, error) {
	token, err := a.token(r)
	if err != nil || token == "" {
		return nil, err
	}
	set := a.keys.set.Load()
	if id, ok := a.cached(token, set); ok {
		if err := a.checkClaims(id.Claims, a.now()); err != nil {
			return nil, err
		}
		return id, nil
	}
	payload, issuer, err := a.verify(r.Context(), token)
	if err != nil {
		return nil, err
	}
	claims, err := decodeClaims(payload)
	if err != nil {
		return nil, err
	}
	if iss, _ := claims["iss"].(string); issuer != "" && iss != issuer {
		return nil, fail("the token's issuer %s is not the issuer of the key that signed it", quote(iss))
	}
	if err := a.checkClaims(claims, a.now()); err != nil {
		return nil, err
	}
	id, err := a.identity(claims)
	if err == nil {
		a.remember(token, set, id)
	}
	return id, err
}

func (a *Authenticator) identity(claims map[string]any) (*Identity, error) {
	sub, err := subject(claims)
	if err != nil {
		return nil, err
	}
	scopes, err := scopes(claims, a.cfg.ScopeClaim)
	if err != nil {
		return nil, err
	}
	return &Identity{Subject: sub, Scopes: scopes, Claims: claims, scopeKey: scopeKey(claims)}, nil
}

// Close stops the refresh of URL keys and waits for a running fetch to end. Authenticate keeps
// working with the keys already loaded. Close may be called more than once.
func (a *Authenticator) Close() {
	a.closeOnce.Do(func() {
		a.keys.close()
		a.verified.Close()
	})
}
