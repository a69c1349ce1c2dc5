package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// verify checks the token's signature and returns its payload and the issuer the verifying
// key is tied to ("" for none).
func (a *Authenticator) verify(ctx context.Context, token string) ([]byte, string, error) {
	payload, k, err := a.verifyKey(ctx, token)
	if err != nil {
		return nil, "", err
	}
	return payload, k.issuer, nil
}

func (a *Authenticator) verifyKey(ctx context.Context, token string) ([]byte, key, error) {
	jws, err := jose.ParseSignedCompact(token, a.algs)
	if err != nil {
		return nil, key{}, a.parseError(token, err)
	}
	h := jws.Signatures[0].Protected
	alg := h.Algorithm
	keys, known := a.keys.lookup(ctx, h.KeyID)
	if !known {
		return nil, key{}, fail("the token's key id %s is not in the JWKS", quote(h.KeyID))
	}
	tried := 0
	for _, k := range keys {
		if !k.fits(alg) {
			continue
		}
		tried++
		if payload, err := jws.Verify(k.pub); err == nil {
			return payload, k, nil
		}
	}
	switch {
	case tried == 0 && h.KeyID != "":
		return nil, key{}, fail("the token's key %s does not fit its algorithm %s", quote(h.KeyID), alg)
	case tried == 0:
		return nil, key{}, fail("no JWKS key fits the token's algorithm %s", alg)
	}
	return nil, key{}, fail("the token's signature is invalid")
}

// parseError explains why go-jose refused to parse token: most usefully, an algorithm that is
// not allowed. It decodes the header again only on this failure path.
func (a *Authenticator) parseError(token string, err error) *Error {
	head, _, _ := strings.Cut(token, ".")
	var h struct {
		Alg string `json:"alg"`
	}
	if raw, derr := base64.RawURLEncoding.DecodeString(head); derr == nil && json.Unmarshal(raw, &h) == nil && h.Alg != "" {
		if _, allowed := algorithmKinds[h.Alg]; !allowed || !a.allowed(h.Alg) {
			return fail("the token's algorithm %s is not allowed", quote(h.Alg))
		}
	}
	return &Error{Message: "the token is not a well-formed JWT (three base64url parts: header.payload.signature)", Err: err}
}

func (a *Authenticator) allowed(alg string) bool {
	for _, x := range a.algs {
		if string(x) == alg {
			return true
		}
	}
	return false
}
