package identity

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// Reason says why a peer was refused, in a word a caller can branch on and a metric can carry.
type Reason string

const (
	// ReasonNoCertificate: the peer presented no certificate.
	ReasonNoCertificate Reason = "no_certificate"
	// ReasonNotSPIFFE: the peer's certificate does not carry exactly one valid Trellis SPIFFE ID.
	ReasonNotSPIFFE Reason = "not_spiffe"
	// ReasonExpired: the peer's certificate expired.
	ReasonExpired Reason = "expired"
	// ReasonNotYetValid: the peer's certificate is not valid yet (or the clocks disagree).
	ReasonNotYetValid Reason = "not_yet_valid"
	// ReasonUnknownAuthority: no root of the trust bundle signed the peer's certificate.
	ReasonUnknownAuthority Reason = "unknown_authority"
	// ReasonBadChain: the chain is signed by a trusted root but invalid otherwise (key usage,
	// name constraints, an expired root).
	ReasonBadChain Reason = "bad_chain"
	// ReasonWrongID: a valid certificate of another identity than the one expected.
	ReasonWrongID Reason = "wrong_identity"
	// ReasonUnauthorized: a valid certificate whose identity the server's authorizer refused.
	ReasonUnauthorized Reason = "unauthorized"
)

// PeerError is the refusal of a TLS peer: the handshake fails with it, and the side that refused
// logs it. The gateway takes it as a reason to stop using the instance rather than to retry it.
type PeerError struct {
	// Reason is the kind of refusal.
	Reason Reason
	// Peer is the identity the peer's certificate claims, zero if it could not be read. It is not
	// proven unless Reason is ReasonWrongID or ReasonUnauthorized.
	Peer ID
	// Detail says which and why, in a sentence.
	Detail string
	// Err is the underlying error (from crypto/x509 or an authorizer), if any.
	Err error
}

func (e *PeerError) Error() string { return e.Detail }

func (e *PeerError) Unwrap() error { return e.Err }

// verifyPeer checks a peer's certificate chain as of now: one valid SPIFFE ID, valid dates, a
// chain to a root of b usable for usage, and a root of the ID's trust domain. It does not decide
// whether the ID is the one wanted.
func verifyPeer(chain []*x509.Certificate, b *bundle, usage x509.ExtKeyUsage, now time.Time) (ID, error) {
	if len(chain) == 0 {
		return ID{}, &PeerError{Reason: ReasonNoCertificate, Detail: "peer presented no certificate"}
	}
	leaf := chain[0]
	id, err := idOf(leaf)
	if err != nil {
		return ID{}, &PeerError{Reason: ReasonNotSPIFFE, Detail: "peer " + err.Error(), Err: err}
	}
	if now.After(leaf.NotAfter) {
		return id, &PeerError{Reason: ReasonExpired, Peer: id,
			Detail: fmt.Sprintf("certificate of %s expired at %s (now %s)", id, stamp(leaf.NotAfter), stamp(now))}
	}
	if now.Before(leaf.NotBefore) {
		return id, &PeerError{Reason: ReasonNotYetValid, Peer: id,
			Detail: fmt.Sprintf("certificate of %s is not valid before %s (now %s; are the clocks in sync?)", id, stamp(leaf.NotBefore), stamp(now))}
	}
	opts := x509.VerifyOptions{Roots: b.pool, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{usage}}
	if len(chain) > 1 {
		opts.Intermediates = x509.NewCertPool()
		for _, c := range chain[1:] {
			opts.Intermediates.AddCert(c)
		}
	}
	chains, err := leaf.Verify(opts)
	if err != nil {
		var unknown x509.UnknownAuthorityError
		if errors.As(err, &unknown) {
			return id, &PeerError{Reason: ReasonUnknownAuthority, Peer: id, Err: err,
				Detail: fmt.Sprintf("certificate of %s signed by an unknown authority (not in bundle %s)", id, b.file)}
		}
		return id, &PeerError{Reason: ReasonBadChain, Peer: id, Err: err,
			Detail: fmt.Sprintf("certificate of %s does not verify against bundle %s: %v", id, b.file, err)}
	}
	// A root that names its trust domain may vouch for that domain only; the name constraint in
	// roots made by InitCA says the same to x509 already, this covers roots without one.
	for _, c := range chains {
		root := c[len(c)-1]
		if td, ok := rootTrustDomain(root); ok && td != id.TrustDomain {
			return id, &PeerError{Reason: ReasonUnknownAuthority, Peer: id,
				Detail: fmt.Sprintf("certificate of %s is signed by the root of trust domain %s, which cannot vouch for %s", id, td, id.TrustDomain)}
		}
	}
	return id, nil
}

// rootTrustDomain is the trust domain a CA certificate names in a spiffe://TD URI SAN.
func rootTrustDomain(c *x509.Certificate) (string, bool) {
	for _, u := range c.URIs {
		if u.Scheme == "spiffe" && (u.Path == "" || u.Path == "/") {
			return u.Host, true
		}
	}
	return "", false
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
