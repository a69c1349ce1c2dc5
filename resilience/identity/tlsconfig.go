package identity

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// nextProtos offers HTTP/2 first; HTTP/1.1 stays for peers that lack it. A new slice each time:
// net/http appends to the NextProtos of the configs it is given.
func nextProtos() []string { return []string{"h2", "http/1.1"} }

// ClientConfig is the TLS configuration of a connection to an instance of the subgraph expect
// names: the server must present a certificate that a root of src's current bundle signed, that
// is valid now and whose one URI SAN is expect; the client presents src's current certificate.
// A refusal fails the handshake with a *PeerError and is logged. TLS 1.3 only.
//
// Server certificates carry no DNS names, so Go's hostname verification is off
// (InsecureSkipVerify) and VerifyConnection does the whole check instead; it also runs on
// resumed sessions, though this config keeps no session cache.
func ClientConfig(src *Source, expect ID) *tls.Config {
	verify := func(cs tls.ConnectionState) error { return src.verifyServer(cs, expect) }
	if err := expect.Validate(); err != nil {
		err = fmt.Errorf("identity: the transport has no valid identity to expect: %w", err)
		verify = func(tls.ConnectionState) error { return err }
	}
	return &tls.Config{
		MinVersion:           tls.VersionTLS13,
		InsecureSkipVerify:   true, // replaced by VerifyConnection: SPIFFE IDs, not DNS names
		GetClientCertificate: src.GetClientCertificate,
		VerifyConnection:     verify,
		NextProtos:           nextProtos(),
	}
}

// ServerConfig is the TLS configuration of a subgraph instance or agent: the client must present
// a certificate that a root of src's current bundle signed and that is valid now, and authorize
// must accept its identity (a nil authorize refuses everyone). The server presents src's current
// certificate. A refused client fails the handshake and is logged with its address and the
// reason. TLS 1.3 only; no session tickets, so every connection proves its certificate against
// the bundle of the moment (connections are long-lived, so this costs little).
//
// The per-connection settings come from GetConfigForClient, which also makes the config
// indifferent to Certificates set by a caller such as httptest.Server.StartTLS. A caller that
// wants its own GetConfigForClient should wrap the one returned.
func ServerConfig(src *Source, authorize func(ID) error) *tls.Config {
	base := &tls.Config{
		MinVersion:             tls.VersionTLS13,
		ClientAuth:             tls.RequestClientCert, // VerifyConnection requires and verifies it, and logs a refusal
		GetCertificate:         src.GetCertificate,
		NextProtos:             nextProtos(),
		SessionTicketsDisabled: true,
	}
	cfg := base.Clone()
	cfg.VerifyConnection = func(cs tls.ConnectionState) error { return src.verifyClient(cs, authorize, "") }
	cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		addr := ""
		if hello.Conn != nil {
			addr = hello.Conn.RemoteAddr().String()
		}
		c := base.Clone()
		c.VerifyConnection = func(cs tls.ConnectionState) error { return src.verifyClient(cs, authorize, addr) }
		return c, nil
	}
	return cfg
}

// AuthorizeGateways accepts the gateways of trustDomain (spiffe://TD/gateway/*) and nothing
// else: the authorizer of subgraph instances and agents.
func AuthorizeGateways(trustDomain string) func(ID) error {
	return func(id ID) error {
		if id.Kind != KindGateway || id.TrustDomain != trustDomain {
			return fmt.Errorf("%s is not a gateway of trust domain %s", id, trustDomain)
		}
		return nil
	}
}

// PeerID is the identity of the peer of an established connection (r.TLS in an HTTP handler).
// The connection's config verified it; PeerID only reads it.
func PeerID(cs *tls.ConnectionState) (ID, error) {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return ID{}, errors.New("identity: the connection has no peer certificate")
	}
	return IDFromCertificate(cs.PeerCertificates[0])
}

func (s *Source) verifyServer(cs tls.ConnectionState, expect ID) error {
	id, err := verifyPeer(cs.PeerCertificates, s.bundle.Load(), x509.ExtKeyUsageServerAuth, time.Now())
	if err == nil && id != expect {
		err = &PeerError{Reason: ReasonWrongID, Peer: id, Detail: fmt.Sprintf("peer presented %s, expected %s", id, expect)}
	}
	if err != nil {
		s.logRefusal("identity: server refused", err, "expected", expect.String(), "server_name", cs.ServerName)
	}
	return err
}

func (s *Source) verifyClient(cs tls.ConnectionState, authorize func(ID) error, addr string) error {
	id, err := verifyPeer(cs.PeerCertificates, s.bundle.Load(), x509.ExtKeyUsageClientAuth, time.Now())
	if err == nil {
		aerr := errors.New("no authorizer configured")
		if authorize != nil {
			aerr = authorize(id)
		}
		if aerr != nil {
			err = &PeerError{Reason: ReasonUnauthorized, Peer: id, Err: aerr, Detail: "caller refused: " + aerr.Error()}
		}
	}
	if err != nil {
		s.logRefusal("identity: client refused", err, "remote_addr", addr)
	}
	return err
}

func (s *Source) logRefusal(msg string, err error, attrs ...any) {
	var pe *PeerError
	if errors.As(err, &pe) {
		peer := ""
		if !pe.Peer.IsZero() {
			peer = pe.Peer.String()
		}
		attrs = append(attrs, "peer", peer, "reason", string(pe.Reason))
	}
	s.log.Warn(msg, append(attrs, "error", err.Error())...)
}
