package identity

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultReloadInterval is how often a Source reads its files again.
const DefaultReloadInterval = time.Second

// Config is the files an instance's identity is read from and how they are watched.
type Config struct {
	// CertFile is the instance's certificate (PEM, the leaf first, as written by Issue). Its one
	// URI SAN is the instance's identity.
	CertFile string
	// KeyFile is the certificate's private key (PEM, PKCS #8 or SEC 1).
	KeyFile string
	// BundleFile is the trust bundle (PEM roots, bundle.pem of the CA): a peer is trusted when a
	// root in it signed the peer's certificate.
	BundleFile string
	// ReloadInterval is how often the three files are read again. When their content changed,
	// the new certificate or bundle is checked and serves the next handshakes; established
	// connections keep what they verified. A change found invalid is logged at its second
	// sighting (the first may be a rotation between two renames) and the old material is kept.
	// Default DefaultReloadInterval (1 s); must be positive.
	ReloadInterval time.Duration
}

// DefaultConfig is a Config with the default reload interval and no files.
func DefaultConfig() Config {
	return Config{ReloadInterval: DefaultReloadInterval}
}

// Validate says which field of c is wrong, or returns nil.
func (c Config) Validate() error {
	switch {
	case c.CertFile == "":
		return errors.New("identity: cert_file is missing")
	case c.KeyFile == "":
		return errors.New("identity: key_file is missing")
	case c.BundleFile == "":
		return errors.New("identity: bundle_file is missing")
	case c.ReloadInterval <= 0:
		return fmt.Errorf("identity: reload_interval %v must be positive", c.ReloadInterval)
	}
	return nil
}

// Source is an instance's certificate and trust bundle, reloaded from their files while it runs.
// Its methods are safe for concurrent use and do not block on I/O: handshakes read the material
// loaded last. Close stops the reloading.
type Source struct {
	cfg Config
	log *slog.Logger

	keypair atomic.Pointer[keypair]
	bundle  atomic.Pointer[bundle]

	mu          sync.Mutex // serialises reloads; guards the fields below
	loaded      bool       // New loaded the files once
	keypairSeen refusal
	bundleSeen  refusal

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// keypair is a loaded certificate and key.
type keypair struct {
	cert          *tls.Certificate // Leaf is set
	id            ID
	hash          [32]byte // of the files' content, to notice changes
	expiredLogged atomic.Bool
}

// bundle is a loaded trust bundle.
type bundle struct {
	file  string
	roots []*x509.Certificate
	pool  *x509.CertPool
	hash  [32]byte
}

// refusal remembers a refused file content, so that it is logged once and only when seen twice.
type refusal struct {
	pending [32]byte
	logged  [32]byte
}

// NewSource is New with DefaultConfig and the three files.
func NewSource(certFile, keyFile, bundleFile string, log *slog.Logger) (*Source, error) {
	cfg := DefaultConfig()
	cfg.CertFile, cfg.KeyFile, cfg.BundleFile = certFile, keyFile, bundleFile
	return New(cfg, log)
}

// New loads the certificate, key and bundle of cfg, refusing material that is invalid now (an
// expired certificate, a key of another certificate, a bundle without a CA), and starts
// reloading them every cfg.ReloadInterval until Close.
func New(cfg Config, log *slog.Logger) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Source{cfg: cfg, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.reload(true); err != nil {
		return nil, err
	}
	s.log.Info("identity: loaded", "id", s.ID().String(), "not_after", s.Certificate().NotAfter,
		"roots", len(s.bundle.Load().roots), "bundle_file", cfg.BundleFile)
	go s.run()
	return s, nil
}

// Close stops the reloading. The Source keeps serving the material it holds.
func (s *Source) Close() {
	s.closeOnce.Do(func() { close(s.stop) })
	<-s.done
}

// ID is the identity of the current certificate.
func (s *Source) ID() ID { return s.keypair.Load().id }

// Certificate is the current leaf certificate.
func (s *Source) Certificate() *x509.Certificate { return s.keypair.Load().cert.Leaf }

// Bundle is the current trust bundle as a pool. It is replaced, not changed, on reload.
func (s *Source) Bundle() *x509.CertPool { return s.bundle.Load().pool }

// Roots are the certificates of the current trust bundle.
func (s *Source) Roots() []*x509.Certificate {
	return append([]*x509.Certificate(nil), s.bundle.Load().roots...)
}

// GetCertificate serves the current certificate to a TLS client (tls.Config.GetCertificate).
func (s *Source) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return s.keypair.Load().cert, nil
}

// GetClientCertificate serves the current certificate to a TLS server
// (tls.Config.GetClientCertificate).
func (s *Source) GetClientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return s.keypair.Load().cert, nil
}

// Reload reads the files now, as a poll would, and returns why new content was refused. It
// suits a SIGHUP handler; a refusal is logged at once.
func (s *Source) Reload() error { return s.reload(true) }

func (s *Source) run() {
	defer close(s.done)
	t := time.NewTicker(s.cfg.ReloadInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			_ = s.reload(false) // refusals are logged
			s.checkExpiry(time.Now())
		}
	}
}

// reload loads whichever of the key pair and the bundle changed. explicit reloads (New, Reload)
// log a refusal at once; polls wait for a second sighting.
func (s *Source) reload(explicit bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	kpChanged, kpErr := s.reloadKeypair(now, explicit)
	bChanged, bErr := s.reloadBundle(explicit)
	err := errors.Join(kpErr, bErr)
	if !s.loaded {
		// New: nothing to keep, and the caller reports the error.
		s.loaded = err == nil
		if s.loaded {
			s.crossCheck(now)
		}
		return err
	}
	if kpChanged || bChanged {
		s.crossCheck(now)
	}
	return err
}

func (s *Source) reloadKeypair(now time.Time, explicit bool) (bool, error) {
	certPEM, err := os.ReadFile(s.cfg.CertFile)
	if err != nil {
		return false, s.refuse(&s.keypairSeen, "certificate", s.cfg.CertFile, err, explicit)
	}
	keyPEM, err := os.ReadFile(s.cfg.KeyFile)
	if err != nil {
		return false, s.refuse(&s.keypairSeen, "certificate", s.cfg.KeyFile, err, explicit)
	}
	h := sha256.New()
	h.Write(certPEM)
	h.Write([]byte{0})
	h.Write(keyPEM)
	var sum [32]byte
	h.Sum(sum[:0])
	if cur := s.keypair.Load(); cur != nil && cur.hash == sum {
		s.keypairSeen = refusal{}
		return false, nil
	}
	kp, err := s.parseKeypair(certPEM, keyPEM, now)
	if err != nil {
		return false, s.refuseContent(&s.keypairSeen, sum, "certificate", s.cfg.CertFile, err, explicit)
	}
	kp.hash = sum
	old := s.keypair.Swap(kp)
	s.keypairSeen = refusal{}
	if old != nil {
		s.log.Info("identity: certificate reloaded", "id", kp.id.String(), "serial", kp.cert.Leaf.SerialNumber.Text(16),
			"not_after", kp.cert.Leaf.NotAfter, "cert_file", s.cfg.CertFile)
	}
	return true, nil
}

func (s *Source) parseKeypair(certPEM, keyPEM []byte, now time.Time) (*keypair, error) {
	certs, err := parseCerts(certPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.cfg.CertFile, err)
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.cfg.KeyFile, err)
	}
	leaf := certs[0]
	if !samePublicKey(leaf, key) {
		return nil, fmt.Errorf("the key in %s is not the key of the certificate in %s", s.cfg.KeyFile, s.cfg.CertFile)
	}
	id, err := idOf(leaf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.cfg.CertFile, err)
	}
	if now.After(leaf.NotAfter) {
		return nil, fmt.Errorf("the certificate of %s in %s expired at %s; reissue it", id, s.cfg.CertFile, stamp(leaf.NotAfter))
	}
	if now.Before(leaf.NotBefore) {
		return nil, fmt.Errorf("the certificate of %s in %s is not valid before %s", id, s.cfg.CertFile, stamp(leaf.NotBefore))
	}
	raw := make([][]byte, len(certs))
	for i, c := range certs {
		raw[i] = c.Raw
	}
	return &keypair{cert: &tls.Certificate{Certificate: raw, PrivateKey: key, Leaf: leaf}, id: id}, nil
}

func (s *Source) reloadBundle(explicit bool) (bool, error) {
	data, err := os.ReadFile(s.cfg.BundleFile)
	if err != nil {
		return false, s.refuse(&s.bundleSeen, "trust bundle", s.cfg.BundleFile, err, explicit)
	}
	sum := sha256.Sum256(data)
	if cur := s.bundle.Load(); cur != nil && cur.hash == sum {
		s.bundleSeen = refusal{}
		return false, nil
	}
	b, err := s.parseBundle(data)
	if err != nil {
		return false, s.refuseContent(&s.bundleSeen, sum, "trust bundle", s.cfg.BundleFile, err, explicit)
	}
	b.hash = sum
	old := s.bundle.Swap(b)
	s.bundleSeen = refusal{}
	if old != nil {
		s.log.Info("identity: trust bundle reloaded", "roots", len(b.roots), "roots_before", len(old.roots),
			"bundle_file", s.cfg.BundleFile)
	}
	return true, nil
}

func (s *Source) parseBundle(data []byte) (*bundle, error) {
	roots, err := parseCerts(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.cfg.BundleFile, err)
	}
	pool := x509.NewCertPool()
	for i, r := range roots {
		if !r.IsCA {
			return nil, fmt.Errorf("%s: certificate %d (%s) is not a CA; a trust bundle holds roots only", s.cfg.BundleFile, i+1, r.Subject)
		}
		if _, ok := rootTrustDomain(r); !ok {
			// A root without its trust domain (a corporate CA appended by mistake) could
			// sign any SPIFFE identity: only roots made by trellis ca are trusted.
			return nil, fmt.Errorf("%s: certificate %d (%s) has no spiffe://TRUST-DOMAIN URI; a trust bundle holds roots made by trellis ca only", s.cfg.BundleFile, i+1, r.Subject)
		}
		pool.AddCert(r)
	}
	return &bundle{file: s.cfg.BundleFile, roots: roots, pool: pool}, nil
}

// refuse handles a file that could not be read; its error text stands for its content.
func (s *Source) refuse(seen *refusal, what, file string, err error, explicit bool) error {
	return s.refuseContent(seen, sha256.Sum256([]byte(err.Error())), what, file, err, explicit)
}

func (s *Source) refuseContent(seen *refusal, sum [32]byte, what, file string, err error, explicit bool) error {
	if !s.loaded {
		return fmt.Errorf("identity: %s: %w", what, err)
	}
	wrapped := fmt.Errorf("identity: new %s refused, keeping the old one: %w", what, err)
	if !explicit && seen.pending != sum {
		seen.pending = sum // perhaps a rotation between two renames: look again at the next poll
		return wrapped
	}
	if explicit || seen.logged != sum {
		seen.logged = sum
		s.log.Warn("identity: new "+what+" refused, keeping the old one", "file", file, "error", err.Error())
	}
	return wrapped
}

// crossCheck warns when the instance's own certificate does not verify against its own bundle:
// peers sharing the bundle refuse it. It is applied anyway: a bundle that drops a root must take
// effect, and a certificate must be replaceable before the bundle catches up.
func (s *Source) crossCheck(now time.Time) {
	kp, b := s.keypair.Load(), s.bundle.Load()
	chain := make([]*x509.Certificate, 0, len(kp.cert.Certificate))
	chain = append(chain, kp.cert.Leaf)
	for _, raw := range kp.cert.Certificate[1:] {
		if c, err := x509.ParseCertificate(raw); err == nil {
			chain = append(chain, c)
		}
	}
	if _, err := verifyPeer(chain, b, x509.ExtKeyUsageAny, now); err != nil {
		s.log.Warn("identity: own certificate does not verify against the trust bundle; peers sharing the bundle refuse it",
			"id", kp.id.String(), "error", err.Error(), "cert_file", s.cfg.CertFile, "bundle_file", s.cfg.BundleFile)
	}
}

// checkExpiry logs once that the instance's own certificate expired without being replaced.
func (s *Source) checkExpiry(now time.Time) {
	kp := s.keypair.Load()
	if now.After(kp.cert.Leaf.NotAfter) && kp.expiredLogged.CompareAndSwap(false, true) {
		s.log.Error("identity: own certificate expired and was not replaced; peers refuse it", "id", kp.id.String(),
			"not_after", kp.cert.Leaf.NotAfter, "cert_file", s.cfg.CertFile)
	}
}
