package executor

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"

	"github.com/trellis-gql/trellis/executor/auth"
)

// authenticate identifies the caller. Without configured authentication every caller is
// anonymous, and the scope is derived from the credentials headers the subgraphs may see.
func (g *Gateway) authenticate(r *http.Request) (*caller, *requestError) {
	if g.auth == nil {
		return &caller{scope: headerScope(r)}, nil
	}
	id, err := g.auth.Authenticate(r)
	if err != nil {
		msg := "the request's token cannot be accepted"
		var ae *auth.Error
		if errors.As(err, &ae) {
			msg = ae.Message
		}
		return nil, &requestError{status: http.StatusUnauthorized, errs: []gqlError{newError(CodeUnauthenticated, msg)}}
	}
	if id == nil {
		return &caller{scope: headerScope(r)}, nil
	}
	scope := "jwt:" + id.ScopeKey()
	if g.policiesReadVolatile {
		// A policy reads exp, iat, nbf or jti, which the scope key leaves out: two callers
		// who differ there may see different fields, so they share nothing.
		scope = fmt.Sprintf("jwt*:%x", sha256.Sum256(appendJSON(nil, id.Claims)))
	}
	return &caller{
		authenticated: true,
		subject:       id.Subject,
		scopes:        id.Scopes,
		claims:        id.Claims,
		scope:         scope,
	}, nil
}

// headerScope keys an unauthenticated caller by the credentials it sends anyway (cookies,
// an Authorization header the gateway does not check), hashed so that keys do not hold them.
func headerScope(r *http.Request) string {
	a, c := r.Header.Values("Authorization"), r.Header.Values("Cookie")
	if len(a) == 0 && len(c) == 0 {
		return ""
	}
	return fmt.Sprintf("hdr:%x", sha256.Sum256(fmt.Appendf(nil, "%q%q", a, c)))
}
