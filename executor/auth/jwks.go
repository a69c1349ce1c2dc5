package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/go-jose/go-jose/v4"
)

// maxJWKSBytes bounds a JWKS document: real ones hold a few keys in a few KiB.
const maxJWKSBytes = 1 << 20

// keyKind is the type of key an algorithm verifies with.
type keyKind int

const (
	kindRSA keyKind = iota
	kindP256
	kindP384
	kindP521
	kindEd25519
	kindHMAC
)

// algorithmKinds maps every algorithm Config.Algorithms may name to its key type.
var algorithmKinds = map[string]keyKind{
	"RS256": kindRSA, "RS384": kindRSA, "RS512": kindRSA,
	"PS256": kindRSA, "PS384": kindRSA, "PS512": kindRSA,
	"ES256": kindP256, "ES384": kindP384, "ES512": kindP521,
	"EdDSA": kindEd25519,
	"HS256": kindHMAC, "HS384": kindHMAC, "HS512": kindHMAC,
}

// asymmetricAlgorithms are the default algorithms: all but HMAC.
func asymmetricAlgorithms() []string {
	var algs []string
	for _, a := range knownAlgorithms() {
		if algorithmKinds[a] != kindHMAC {
			algs = append(algs, a)
		}
	}
	return algs
}

func knownAlgorithms() []string {
	algs := make([]string, 0, len(algorithmKinds))
	for a := range algorithmKinds {
		algs = append(algs, a)
	}
	slices.Sort(algs)
	return algs
}

// key is one verification key of a JWKS.
type key struct {
	id   string // "kid", may be empty
	alg  string // "alg" the JWK declares, empty when it declares none
	kind keyKind
	pub  any // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey or []byte (oct)
	// issuer is the JWKSSource.Issuer of the key's source: the only iss it may sign for.
	issuer string
}

// fits reports whether k may verify a token signed with alg: the key's type must be the one
// alg uses (so an RSA key is never an HMAC secret), and a JWK that names its algorithm must
// name this one.
func (k key) fits(alg string) bool {
	kind, ok := algorithmKinds[alg]
	return ok && kind == k.kind && (k.alg == "" || k.alg == alg)
}

// parseJWKS reads the keys of a JWKS document. Keys that cannot verify signatures (unknown
// types, "use": "enc") are skipped and logged; a document without any usable key is an error.
func parseJWKS(body []byte, origin string, log *slog.Logger) ([]key, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("not a JWKS document (a JSON object with a \"keys\" array): %w", err)
	}
	var keys []key
	for i, raw := range doc.Keys {
		k, err := parseJWK(raw)
		if err != nil {
			log.Warn("auth: skipping a JWKS key", "jwks", origin, "key_index", i, "error", err)
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no usable signature key among its %d keys", len(doc.Keys))
	}
	return keys, nil
}

func parseJWK(raw []byte) (key, error) {
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(raw); err != nil {
		return key{}, err
	}
	if jwk.Use != "" && jwk.Use != "sig" {
		return key{}, fmt.Errorf("key %q is for use %q, not sig", jwk.KeyID, jwk.Use)
	}
	if jwk.Algorithm != "" {
		if _, ok := algorithmKinds[jwk.Algorithm]; !ok {
			return key{}, fmt.Errorf("key %q declares unsupported algorithm %q", jwk.KeyID, jwk.Algorithm)
		}
	}
	if !jwk.IsPublic() {
		if _, secret := jwk.Key.([]byte); !secret {
			jwk = jwk.Public() // a private JWK published by mistake: keep only its public half
		}
	}
	kind, err := kindOf(jwk.Key)
	if err != nil {
		return key{}, fmt.Errorf("key %q: %w", jwk.KeyID, err)
	}
	return key{id: jwk.KeyID, alg: jwk.Algorithm, kind: kind, pub: jwk.Key}, nil
}

func kindOf(k any) (keyKind, error) {
	switch k := k.(type) {
	case *rsa.PublicKey:
		return kindRSA, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return kindP256, nil
		case elliptic.P384():
			return kindP384, nil
		case elliptic.P521():
			return kindP521, nil
		}
		return 0, errors.New("unsupported elliptic curve")
	case ed25519.PublicKey:
		return kindEd25519, nil
	case []byte:
		if len(k) == 0 {
			return 0, errors.New("empty oct key")
		}
		return kindHMAC, nil
	}
	return 0, fmt.Errorf("unsupported key type %T", k)
}
