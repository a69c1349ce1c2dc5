package identity

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	stdlog "log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const td = "example.org"

var (
	productsID = ID{TrustDomain: td, Kind: KindSubgraph, Name: "products"}
	reviewsID  = ID{TrustDomain: td, Kind: KindSubgraph, Name: "reviews"}
	gatewayID  = ID{TrustDomain: td, Kind: KindGateway, Name: "gw-1"}
)

// testReload is the reload interval of test Sources: fast, but slow enough not to spin under
// -race on a loaded machine.
const testReload = 50 * time.Millisecond

// logBuffer collects log lines from any goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines are the log lines containing all of parts.
func (b *logBuffer) lines(parts ...string) []string {
	var out []string
next:
	for _, l := range strings.Split(b.String(), "\n") {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

func newLog() (*logBuffer, *slog.Logger) {
	b := &logBuffer{}
	return b, slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newCA(t testing.TB, trustDomain string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ca")
	if err := InitCA(dir, trustDomain, 0); err != nil {
		t.Fatal(err)
	}
	return dir
}

// issue issues id into a new directory and returns the certificate and key files.
func issue(t testing.TB, caDir string, id ID) (certFile, keyFile string) {
	t.Helper()
	return issueInto(t, caDir, id, t.TempDir())
}

func issueInto(t testing.TB, caDir string, id ID, dir string) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile, err := Issue(caDir, id, 0, dir)
	if err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// craftLeaf signs a certificate Issue would refuse to make: tmpl starts as a valid leaf of
// spiffe://example.org/subgraph/products and mod changes it.
func craftLeaf(t testing.TB, caDir string, mod func(*x509.Certificate)) (certFile, keyFile string) {
	t.Helper()
	c, err := loadCA(caDir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := leafTemplate(productsID, now.Add(-time.Minute), now.Add(time.Hour))
	mod(tmpl)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := c.sign(tmpl, key.Public())
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "leaf.pem"), filepath.Join(dir, "leaf-key.pem")
	if err := os.WriteFile(certFile, encodeCerts(leaf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func newTestSource(t testing.TB, certFile, keyFile, bundleFile string, log *slog.Logger) *Source {
	t.Helper()
	cfg := Config{CertFile: certFile, KeyFile: keyFile, BundleFile: bundleFile, ReloadInterval: testReload}
	s, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// server is an httptest TLS server that counts handler calls and handshakes.
type server struct {
	*httptest.Server
	calls      atomic.Int64
	http2      atomic.Int64 // calls over HTTP/2
	handshakes atomic.Int64
	lastPeer   atomic.Pointer[ID]
}

// startServer serves over cfg with HTTP/2 enabled. Every handler call answers "ok".
func startServer(t testing.TB, cfg *tls.Config) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		if r.ProtoMajor == 2 {
			s.http2.Add(1)
		}
		if id, err := PeerID(r.TLS); err == nil {
			s.lastPeer.Store(&id)
		}
		_, _ = io.WriteString(w, "ok")
	}))
	if get := cfg.GetConfigForClient; get != nil {
		cfg.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			s.handshakes.Add(1)
			return get(h)
		}
	}
	s.EnableHTTP2 = true
	s.TLS = cfg
	s.Config.ErrorLog = stdlog.New(io.Discard, "", 0) // handshake failures are what the tests provoke
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// startPlainServer is a server that presents certFile whatever the client wants: a bad peer.
func startPlainServer(t testing.TB, certFile, keyFile string) *server {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return startServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}})
}

// get fetches url and returns the body, or the error.
func get(c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return string(body), &statusError{resp.StatusCode}
	}
	return string(body), nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return http.StatusText(e.code) }

// waitFor polls cond until it holds or fails the test after 10 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func readLeaf(t testing.TB, certFile string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := parseCerts(data)
	if err != nil {
		t.Fatal(err)
	}
	return certs[0]
}
