package auth

import (
	"net/http"
	"strings"
)

// maxHeaderBytes bounds the header value: real tokens are under 2 KiB, and the whole value is
// decoded and hashed.
const maxHeaderBytes = 8 << 10

// token returns the token in r's header, "" when the header is absent.
func (a *Authenticator) token(r *http.Request) (string, error) {
	values := r.Header.Values(a.cfg.Header)
	switch len(values) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", fail("the request has %d %s headers; send one", len(values), a.cfg.Header)
	}
	v := values[0]
	if len(v) > maxHeaderBytes {
		return "", fail("the %s header is %d bytes, over the limit of %d", a.cfg.Header, len(v), maxHeaderBytes)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fail("the %s header is empty", a.cfg.Header)
	}
	if a.cfg.Scheme == "" {
		return v, nil
	}
	scheme, tok, _ := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, a.cfg.Scheme) {
		return "", fail("the %s header must be %q followed by a token", a.cfg.Header, a.cfg.Scheme+" ")
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", fail("the %s header has no token after %q", a.cfg.Header, a.cfg.Scheme)
	}
	return tok, nil
}
