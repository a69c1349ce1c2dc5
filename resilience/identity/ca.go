package identity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// The files of a CA directory.
const (
	// CACertFile holds the current root certificate: the one Issue signs with.
	CACertFile = "ca.pem"
	// CAKeyFile holds the current root's private key (mode 0600).
	CAKeyFile = "ca-key.pem"
	// BundleFile is the trust bundle every instance of the trust domain loads: the current root
	// and, during a root rotation, the roots it replaces.
	BundleFile = "bundle.pem"
)

const (
	// DefaultCALifetime is the validity of a root when InitCA or RotateCA is given 0: ten years,
	// as Istio's and Linkerd's self-signed roots. Roots are replaced with RotateCA, not renewed.
	DefaultCALifetime = 10 * 365 * 24 * time.Hour
	// DefaultLeafTTL is the validity of an issued certificate when Issue is given 0: 24 hours,
	// as Istio and Linkerd (SPIRE uses 1 hour, Consul 72). Trellis has no agent that renews
	// certificates over an API, so renewal is a `trellis ca issue` run by a scheduler; a day
	// leaves room for that to fail a few times (reissue at half-life, every 12 hours) while
	// keeping a stolen key useful for a day at most.
	DefaultLeafTTL = 24 * time.Hour
	// backdate is how far before now a certificate becomes valid, for peers whose clocks lag.
	backdate = time.Minute
)

// ca is the current root of a CA directory and its key.
type ca struct {
	cert *x509.Certificate
	key  crypto.Signer
	td   string
}

// InitCA creates a CA for trustDomain in dir: a self-signed ECDSA P-256 root valid for lifetime
// (0 means DefaultCALifetime) in ca.pem, its key in ca-key.pem (0600) and a trust bundle holding
// the root in bundle.pem. The root carries the URI SAN spiffe://TRUST-DOMAIN and a name
// constraint that limits it to that trust domain, so that even a verifier that ignores SPIFFE
// does not accept it for another domain. InitCA refuses a directory that already holds a CA;
// RotateCA replaces a root.
func InitCA(dir, trustDomain string, lifetime time.Duration) error {
	if err := ValidateTrustDomain(trustDomain); err != nil {
		return err
	}
	lifetime, err := caLifetime(lifetime)
	if err != nil {
		return err
	}
	for _, name := range []string{CACertFile, CAKeyFile, BundleFile} {
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("identity: %s already exists: %s holds a CA; use RotateCA to replace its root", path, dir)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("identity: %w", err)
		}
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("identity: creating the CA directory: %w", err)
	}
	root, key, err := newRoot(trustDomain, lifetime, time.Now())
	if err != nil {
		return err
	}
	return writeCA(dir, root, key, []*x509.Certificate{root})
}

// RotateCA starts a root rotation in the CA in dir: it creates a new root for the same trust
// domain, makes it the one Issue signs with, and ADDS it to bundle.pem, keeping the roots already
// there (expired ones excepted). A rotation that fails no request then goes:
//
//  1. RotateCA, and wait until every instance has reloaded bundle.pem (it trusts both roots);
//  2. reissue every certificate (Issue now signs with the new root), and wait for the reloads;
//  3. RetireRoots, which leaves the new root alone in bundle.pem.
//
// bundle.pem is written before the new key and root, so nothing is ever signed by a root that is
// not in the bundle.
func RotateCA(dir string, lifetime time.Duration) error {
	lifetime, err := caLifetime(lifetime)
	if err != nil {
		return err
	}
	old, err := loadCA(dir)
	if err != nil {
		return err
	}
	bundle, err := readBundle(dir)
	if err != nil {
		return err
	}
	now := time.Now()
	root, key, err := newRoot(old.td, lifetime, now)
	if err != nil {
		return err
	}
	roots := []*x509.Certificate{root}
	for _, r := range bundle {
		if now.Before(r.NotAfter) {
			roots = append(roots, r)
		}
	}
	return writeCA(dir, root, key, roots)
}

// RetireRoots ends a root rotation: it removes from bundle.pem every root but the current one
// (ca.pem) and returns how many it removed. Run it only once every certificate of the trust
// domain has been reissued by the current root and reloaded: an instance still presenting a
// certificate of a removed root is refused by its peers.
func RetireRoots(dir string) (removed int, err error) {
	cur, err := loadCA(dir)
	if err != nil {
		return 0, err
	}
	bundle, err := readBundle(dir)
	if err != nil {
		return 0, err
	}
	found := false
	for _, r := range bundle {
		if r.Equal(cur.cert) {
			found = true
		}
	}
	if !found {
		return 0, fmt.Errorf("identity: %s does not hold the root in %s; refusing to remove the roots instances trust (run RotateCA or restore the bundle)",
			filepath.Join(dir, BundleFile), filepath.Join(dir, CACertFile))
	}
	if len(bundle) == 1 {
		return 0, nil
	}
	if err := writeFileAtomic(filepath.Join(dir, BundleFile), encodeCerts(cur.cert), certFileMode); err != nil {
		return 0, fmt.Errorf("identity: writing the trust bundle: %w", err)
	}
	return len(bundle) - 1, nil
}

// Issue signs a certificate for id with the CA in caDir, valid from a minute ago for ttl (0 means
// DefaultLeafTTL), and writes it and its key (0600) to outDir as KIND-NAME.pem and
// KIND-NAME-key.pem, replacing earlier ones. The certificate is an X.509-SVID: ECDSA P-256, one
// URI SAN (the ID), usable as TLS client and server. The CA refuses identities of another trust
// domain and lifetimes that would outlast its root.
func Issue(caDir string, id ID, ttl time.Duration, outDir string) (certFile, keyFile string, err error) {
	if err := id.Validate(); err != nil {
		return "", "", err
	}
	if ttl == 0 {
		ttl = DefaultLeafTTL
	}
	if ttl < 0 {
		return "", "", fmt.Errorf("identity: certificate lifetime %v is negative", ttl)
	}
	c, err := loadCA(caDir)
	if err != nil {
		return "", "", err
	}
	if id.TrustDomain != c.td {
		return "", "", fmt.Errorf("identity: the CA in %s is for trust domain %s and cannot issue %s; create a CA for %s with InitCA (trellis ca init)",
			caDir, c.td, id, id.TrustDomain)
	}
	now := time.Now()
	if !now.Before(c.cert.NotAfter) {
		return "", "", fmt.Errorf("identity: the root in %s expired at %s; rotate it with RotateCA",
			filepath.Join(caDir, CACertFile), c.cert.NotAfter.UTC().Format(time.RFC3339))
	}
	if notAfter := now.Add(ttl); notAfter.After(c.cert.NotAfter) {
		return "", "", fmt.Errorf("identity: a certificate valid for %v would outlast the root in %s (expires %s); use a shorter lifetime or rotate the root",
			ttl, filepath.Join(caDir, CACertFile), c.cert.NotAfter.UTC().Format(time.RFC3339))
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("identity: generating a key: %w", err)
	}
	leaf, err := c.sign(leafTemplate(id, now.Add(-backdate), now.Add(ttl)), key.Public())
	if err != nil {
		return "", "", err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return "", "", fmt.Errorf("identity: encoding the key: %w", err)
	}
	if err := os.MkdirAll(outDir, dirMode); err != nil {
		return "", "", fmt.Errorf("identity: creating %s: %w", outDir, err)
	}
	base := filepath.Join(outDir, string(id.Kind)+"-"+id.Name)
	certFile, keyFile = base+".pem", base+"-key.pem"
	// The key first: a Source that reads between the two renames sees a pair that does not match,
	// which it takes for a rotation in progress and reads again at its next poll.
	if err := writeFileAtomic(keyFile, keyPEM, keyFileMode); err != nil {
		return "", "", fmt.Errorf("identity: writing the key: %w", err)
	}
	if err := writeFileAtomic(certFile, encodeCerts(leaf), certFileMode); err != nil {
		return "", "", fmt.Errorf("identity: writing the certificate: %w", err)
	}
	return certFile, keyFile, nil
}

// leafTemplate is an X.509-SVID for id.
func leafTemplate(id ID, notBefore, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serialNumber(),
		Subject:               pkix.Name{Organization: []string{"Trellis"}, OrganizationalUnit: []string{string(id.Kind)}, CommonName: id.Name},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		URIs:                  []*url.URL{id.URL()},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
}

func (c *ca) sign(tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, pub, c.key)
	if err != nil {
		return nil, fmt.Errorf("identity: signing the certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

func newRoot(td string, lifetime time.Duration, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: generating the CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:                serialNumber(),
		Subject:                     pkix.Name{Organization: []string{"Trellis"}, CommonName: "Trellis CA " + td + " " + now.UTC().Format(time.RFC3339)},
		NotBefore:                   now.Add(-backdate),
		NotAfter:                    now.Add(lifetime),
		IsCA:                        true,
		BasicConstraintsValid:       true,
		MaxPathLenZero:              true, // leaves only: no intermediate CAs
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		URIs:                        []*url.URL{{Scheme: "spiffe", Host: td}},
		PermittedURIDomains:         []string{td},
		PermittedDNSDomainsCritical: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: creating the root certificate: %w", err)
	}
	root, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: %w", err)
	}
	return root, key, nil
}

// writeCA writes the bundle first, then the key, then the root: a root is in the bundle before
// anything can be signed with it.
func writeCA(dir string, root *x509.Certificate, key *ecdsa.PrivateKey, bundle []*x509.Certificate) error {
	keyPEM, err := encodeKey(key)
	if err != nil {
		return fmt.Errorf("identity: encoding the CA key: %w", err)
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{BundleFile, encodeCerts(bundle...), certFileMode},
		{CAKeyFile, keyPEM, keyFileMode},
		{CACertFile, encodeCerts(root), certFileMode},
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return fmt.Errorf("identity: writing %s: %w", f.name, err)
		}
	}
	return nil
}

// loadCA reads the current root and key of the CA in dir and checks they belong together.
func loadCA(dir string) (*ca, error) {
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	data, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("identity: reading the CA (create one with InitCA, trellis ca init): %w", err)
	}
	certs, err := parseCerts(data)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: %w", certPath, err)
	}
	if len(certs) != 1 || !certs[0].IsCA {
		return nil, fmt.Errorf("identity: %s must hold exactly one CA certificate", certPath)
	}
	root := certs[0]
	if len(root.URIs) != 1 || root.URIs[0].Scheme != "spiffe" || root.URIs[0].Path != "" {
		return nil, fmt.Errorf("identity: %s has no spiffe://TRUST-DOMAIN URI SAN; it was not made by InitCA", certPath)
	}
	td := root.URIs[0].Host
	if err := ValidateTrustDomain(td); err != nil {
		return nil, fmt.Errorf("identity: %s: %w", certPath, err)
	}
	data, err = os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("identity: reading the CA key: %w", err)
	}
	key, err := parseKey(data)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: %w", keyPath, err)
	}
	if !samePublicKey(root, key) {
		return nil, fmt.Errorf("identity: %s is not the key of %s (a rotation interrupted? run RotateCA again)", keyPath, certPath)
	}
	return &ca{cert: root, key: key, td: td}, nil
}

func readBundle(dir string) ([]*x509.Certificate, error) {
	path := filepath.Join(dir, BundleFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("identity: reading the trust bundle: %w", err)
	}
	roots, err := parseCerts(data)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: %w", path, err)
	}
	return roots, nil
}

func caLifetime(d time.Duration) (time.Duration, error) {
	switch {
	case d == 0:
		return DefaultCALifetime, nil
	case d < 0:
		return 0, fmt.Errorf("identity: CA lifetime %v is negative", d)
	case d < time.Hour:
		return 0, fmt.Errorf("identity: CA lifetime %v is shorter than an hour; a root must outlive the certificates it signs", d)
	}
	return d, nil
}

// serialNumber is a random positive 127-bit serial (the CA/Browser Forum asks for at least 64
// random bits).
func serialNumber() *big.Int {
	b := make([]byte, 16)
	rand.Read(b) // never fails since Go 1.24
	b[0] = b[0]&0x7f | 0x40
	return new(big.Int).SetBytes(b)
}

// TrustDomainOf returns the trust domain of the CA in dir, so that a tool issuing
// certificates does not have to be told it again.
func TrustDomainOf(dir string) (string, error) {
	c, err := loadCA(dir)
	if err != nil {
		return "", err
	}
	return c.td, nil
}
