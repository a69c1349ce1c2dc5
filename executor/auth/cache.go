package auth

import "github.com/dgraph-io/ristretto/v2"

// verifiedCacheBytes bounds the memory of verified tokens, by the length of the tokens.
const verifiedCacheBytes = 16 << 20

// verified is a token whose signature was checked against one key set. A signature check
// costs 70-250 µs; a client sends the same token for its whole lifetime, so it is checked
// once per key set. The claims' times are checked again on every use.
type verified struct {
	token string // compared on a hit: the cache itself keys by a non-cryptographic hash
	set   *keySet
	id    *Identity
}

func newVerifiedCache() (*ristretto.Cache[string, *verified], error) {
	return ristretto.NewCache(&ristretto.Config[string, *verified]{
		NumCounters: 100_000, MaxCost: verifiedCacheBytes, BufferItems: 64,
	})
}

// cached returns the identity of a token verified against the current key set. A refreshed
// key set (keys rotated or removed) invalidates every entry.
func (a *Authenticator) cached(token string, set *keySet) (*Identity, bool) {
	v, ok := a.verified.Get(token)
	if !ok || v.token != token || v.set != set {
		return nil, false
	}
	return v.id, true
}

func (a *Authenticator) remember(token string, set *keySet, id *Identity) {
	a.verified.Set(token, &verified{token: token, set: set, id: id}, int64(len(token))+256)
}
