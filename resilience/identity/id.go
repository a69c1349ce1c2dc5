package identity

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Kind is what an identity is: a gateway or an instance of a subgraph.
type Kind string

const (
	// KindGateway is a gateway instance: spiffe://TD/gateway/NAME.
	KindGateway Kind = "gateway"
	// KindSubgraph is any instance of one subgraph: spiffe://TD/subgraph/NAME. All instances of a
	// subgraph share the identity; the gateway calls the subgraph, not an instance.
	KindSubgraph Kind = "subgraph"
)

// maxIDLength is the SPIFFE limit on the length of an ID as a URI.
const maxIDLength = 2048

// ID is a Trellis SPIFFE ID: spiffe://TRUST-DOMAIN/KIND/NAME, nothing more and nothing less.
type ID struct {
	TrustDomain string
	Kind        Kind
	Name        string
}

// NewID returns the ID of kind and name in trustDomain, or why it is not a valid one.
func NewID(trustDomain string, kind Kind, name string) (ID, error) {
	id := ID{TrustDomain: trustDomain, Kind: kind, Name: name}
	return id, id.Validate()
}

// String is the SPIFFE ID as it appears in a certificate's URI SAN.
func (id ID) String() string {
	return "spiffe://" + id.TrustDomain + "/" + string(id.Kind) + "/" + id.Name
}

// URL is the ID as the URI SAN of a certificate.
func (id ID) URL() *url.URL {
	return &url.URL{Scheme: "spiffe", Host: id.TrustDomain, Path: "/" + string(id.Kind) + "/" + id.Name}
}

// IsZero reports whether id is the zero ID (no identity).
func (id ID) IsZero() bool { return id == ID{} }

// Validate says why id is not a valid Trellis SPIFFE ID, or returns nil.
func (id ID) Validate() error {
	if err := id.check(); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

func (id ID) check() error {
	if err := checkTrustDomain(id.TrustDomain); err != nil {
		return err
	}
	switch id.Kind {
	case KindGateway, KindSubgraph:
	case "":
		return fmt.Errorf("the kind is missing (want %q or %q)", KindGateway, KindSubgraph)
	default:
		return fmt.Errorf("kind %q is neither %q nor %q", id.Kind, KindGateway, KindSubgraph)
	}
	if id.Name == "" {
		return fmt.Errorf("the %s name is missing", id.Kind)
	}
	if err := spiffeid.ValidatePathSegment(id.Name); err != nil {
		return fmt.Errorf("%s name %q: %w", id.Kind, id.Name, err)
	}
	if n := len(id.String()); n > maxIDLength {
		return fmt.Errorf("%s is %d bytes long; a SPIFFE ID has at most %d", id, n, maxIDLength)
	}
	return nil
}

// ValidateTrustDomain says why td is not a valid SPIFFE trust domain name (lowercase letters,
// digits, dots, dashes and underscores; no scheme, port or path), or returns nil.
func ValidateTrustDomain(td string) error {
	if err := checkTrustDomain(td); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

func checkTrustDomain(td string) error {
	if td == "" {
		return fmt.Errorf("the trust domain is missing")
	}
	if strings.ContainsAny(td, "/:") {
		return fmt.Errorf("trust domain %q must be a bare name such as example.org, without scheme, port or path", td)
	}
	if len(td) > 255 {
		return fmt.Errorf("trust domain %q is longer than 255 bytes", td)
	}
	if _, err := spiffeid.TrustDomainFromString(td); err != nil {
		return fmt.Errorf("trust domain %q: %w", td, err)
	}
	return nil
}

// ParseID parses spiffe://TD/KIND/NAME strictly: the SPIFFE rules (lowercase trust domain, no
// port, user, query, fragment, percent-encoding, empty or dot segments, trailing slash) and
// Trellis's own (exactly two path segments, a known kind).
func ParseID(s string) (ID, error) {
	id, err := parseID(s)
	if err != nil {
		return ID{}, fmt.Errorf("identity: %w", err)
	}
	return id, nil
}

func parseID(s string) (ID, error) {
	if len(s) > maxIDLength {
		return ID{}, fmt.Errorf("SPIFFE ID is %d bytes long; at most %d are allowed", len(s), maxIDLength)
	}
	sid, err := spiffeid.FromString(s)
	if err != nil {
		return ID{}, fmt.Errorf("%q is not a SPIFFE ID: %w", s, err)
	}
	segments := strings.Split(strings.TrimPrefix(sid.Path(), "/"), "/")
	if len(segments) != 2 {
		return ID{}, fmt.Errorf("%q is not a Trellis identity: the path must be /gateway/NAME or /subgraph/NAME", s)
	}
	id := ID{TrustDomain: sid.TrustDomain().Name(), Kind: Kind(segments[0]), Name: segments[1]}
	if err := id.check(); err != nil {
		return ID{}, fmt.Errorf("%q: %w", s, err)
	}
	return id, nil
}

// IDFromCertificate is the identity a certificate carries: its one URI SAN, parsed with ParseID.
// A certificate with no URI SAN or with more than one is refused, as the X.509-SVID standard
// requires.
func IDFromCertificate(cert *x509.Certificate) (ID, error) {
	id, err := idOf(cert)
	if err != nil {
		return ID{}, fmt.Errorf("identity: %w", err)
	}
	return id, nil
}

func idOf(cert *x509.Certificate) (ID, error) {
	switch n := len(cert.URIs); n {
	case 1:
		return parseID(cert.URIs[0].String())
	case 0:
		return ID{}, fmt.Errorf("certificate has no URI SAN; a SPIFFE certificate has exactly one")
	default:
		return ID{}, fmt.Errorf("certificate has %d URI SANs; a SPIFFE certificate has exactly one", n)
	}
}
