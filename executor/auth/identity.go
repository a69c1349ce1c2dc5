package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// Identity is an authenticated caller. It is immutable once returned and safe to share.
type Identity struct {
	// Subject is the "sub" claim, "" when the token has none.
	Subject string
	// Scopes are read from Config.ScopeClaim.
	Scopes []string
	// Claims are all of the token's claims, as decoded from JSON, with numbers as json.Number.
	Claims map[string]any

	scopeKey string
}

// volatileClaims change between two tokens of the same grant and say nothing about what the
// caller may see, so the scope key leaves them out.
var volatileClaims = []string{"exp", "iat", "nbf", "jti"}

// ScopeKey returns a stable key of the caller's claims: the hex SHA-256 of their canonical
// JSON (keys sorted), without exp, iat, nbf and jti. Two identities share it only when every
// other claim is equal, so caches shared between requests can be keyed by it. It is "" for a
// nil (anonymous) identity.
func (id *Identity) ScopeKey() string {
	if id == nil {
		return ""
	}
	if id.scopeKey != "" {
		return id.scopeKey
	}
	return scopeKey(id.Claims)
}

func scopeKey(claims map[string]any) string {
	names := make([]string, 0, len(claims))
	for name := range claims {
		if !slices.Contains(volatileClaims, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSON(&b, name)
		b.WriteByte(':')
		writeJSON(&b, claims[name])
	}
	b.WriteByte('}')
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// writeJSON writes v as encoding/json does, which sorts the keys of nested objects.
func writeJSON(b *strings.Builder, v any) {
	out, err := json.Marshal(v)
	if err != nil { // cannot happen for values decoded from JSON
		out = []byte("null")
	}
	b.Write(out)
}
