// Package identity is the mesh's mutual TLS: who a gateway or a subgraph instance is, and whom it
// accepts. It sits under the gateway's transport to subgraphs and in front of the subgraph side
// (the agent and the Go helper); it knows nothing of GraphQL.
//
// An identity is a SPIFFE ID, the one URI SAN of an X.509 certificate:
// spiffe://TRUST-DOMAIN/gateway/NAME or spiffe://TRUST-DOMAIN/subgraph/NAME. A trust domain has one
// CA; its trust bundle (the CA's roots) is what every instance trusts. The gateway sends a fetch for
// subgraph products only to a peer that proves spiffe://TD/subgraph/products; subgraph instances
// accept only callers that prove a gateway identity of their trust domain. Wrong identity, unknown
// CA, expired certificate: the handshake fails with a *PeerError saying which and why, and the
// refusing side logs it.
//
// The files follow the life of a certificate:
//
//	id.go        ID, Kind, ParseID: the strict form of a Trellis SPIFFE ID
//	ca.go        InitCA, Issue, RotateCA, RetireRoots: the CA directory (ca.pem, ca-key.pem,
//	             bundle.pem) and the certificates it signs (24 h by default)
//	pem.go       PEM encoding and atomic file writes (keys 0600)
//	source.go    Source: an instance's certificate and bundle, reloaded when their files change
//	verify.go    the check of a peer's chain and identity; PeerError and its Reasons
//	tlsconfig.go ClientConfig, ServerConfig, AuthorizeGateways: the checks wired into tls.Config
//	transport.go NewTransport: HTTP/2 with reused connections to one subgraph's instances
//
// Rotation. A Source polls its files (every second by default) and serves new material to the
// next handshakes; established connections keep what they verified, so a rotation fails no
// request. A certificate is reissued well before it expires (at half-life, every 12 hours for the
// default 24 h). A root is rotated in three steps, each waiting for every instance to reload:
// RotateCA (the bundle holds the old and the new root), reissue every certificate from the new
// root, RetireRoots (the bundle holds the new root only).
//
// What a connection verified stays verified for its life: a root removed from the bundle, or a
// peer certificate that expires, affects the next handshakes, not connections already open.
// Idle connections close after IdleConnTimeout.
package identity
