package identity

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSourceKeepsOldMaterial: a new file that is invalid is logged once and the Source keeps
// serving what it had; a valid file afterwards is loaded.
func TestSourceKeepsOldMaterial(t *testing.T) {
	tests := []struct {
		name  string
		what  string // "certificate" or "trust bundle"
		spoil func(t *testing.T, caDir, certFile, keyFile string)
		want  string
	}{
		{
			name: "garbage certificate", what: "certificate",
			spoil: func(t *testing.T, _, certFile, _ string) { write(t, certFile, "not PEM\n") },
			want:  "no PEM CERTIFICATE block",
		},
		{
			name: "key of another certificate", what: "certificate",
			spoil: func(t *testing.T, caDir, _, keyFile string) {
				_, otherKey := issue(t, caDir, productsID)
				copyFile(t, otherKey, keyFile)
			},
			want: "is not the key of the certificate",
		},
		{
			name: "expired certificate", what: "certificate",
			spoil: func(t *testing.T, caDir, certFile, keyFile string) {
				c, k := craftLeaf(t, caDir, func(c *x509.Certificate) {
					c.NotBefore, c.NotAfter = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
				})
				copyFile(t, k, keyFile)
				copyFile(t, c, certFile)
			},
			want: "expired at",
		},
		{
			name: "certificate without identity", what: "certificate",
			spoil: func(t *testing.T, caDir, certFile, keyFile string) {
				c, k := craftLeaf(t, caDir, func(c *x509.Certificate) { c.URIs = nil })
				copyFile(t, k, keyFile)
				copyFile(t, c, certFile)
			},
			want: "no URI SAN",
		},
		{
			name: "certificate file removed", what: "certificate",
			spoil: func(t *testing.T, _, certFile, _ string) {
				if err := os.Remove(certFile); err != nil {
					t.Fatal(err)
				}
			},
			want: "no such file",
		},
		{
			name: "garbage bundle", what: "trust bundle",
			spoil: func(t *testing.T, caDir, _, _ string) { write(t, filepath.Join(caDir, BundleFile), "") },
			want:  "no PEM CERTIFICATE block",
		},
		{
			name: "leaf in the bundle", what: "trust bundle",
			spoil: func(t *testing.T, caDir, certFile, _ string) { copyFile(t, certFile, filepath.Join(caDir, BundleFile)) },
			want:  "is not a CA; a trust bundle holds roots only",
		},
		{
			name: "key in the bundle", what: "trust bundle",
			spoil: func(t *testing.T, caDir, _, keyFile string) {
				data, _ := os.ReadFile(filepath.Join(caDir, BundleFile))
				key, _ := os.ReadFile(keyFile)
				write(t, filepath.Join(caDir, BundleFile), string(data)+string(key))
			},
			want: `PEM block 2 is a \"PRIVATE KEY\", want CERTIFICATE`, // quoted by the log handler
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			caDir := newCA(t, td)
			certFile, keyFile := issue(t, caDir, productsID)
			logs, log := newLog()
			src := newTestSource(t, certFile, keyFile, filepath.Join(caDir, BundleFile), log)
			oldSerial := src.Certificate().SerialNumber
			oldRoots := src.Roots()

			tc.spoil(t, caDir, certFile, keyFile)
			msg := "identity: new " + tc.what + " refused, keeping the old one"
			waitFor(t, "the refusal log line", func() bool { return len(logs.lines(msg)) > 0 })
			time.Sleep(4 * testReload) // more polls of the same bad content log nothing more
			got := logs.lines(msg)
			if len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Errorf("want one line %q with %q; logs:\n%s", msg, tc.want, logs)
			}
			cert, _ := src.GetCertificate(nil)
			if cert.Leaf.SerialNumber.Cmp(oldSerial) != 0 || src.Certificate().SerialNumber.Cmp(oldSerial) != 0 {
				t.Error("the Source dropped its certificate")
			}
			if roots := src.Roots(); len(roots) != len(oldRoots) || !roots[0].Equal(oldRoots[0]) {
				t.Error("the Source dropped its bundle")
			}

			// Repaired: the new material is loaded.
			if tc.what == "certificate" {
				issueInto(t, caDir, productsID, filepath.Dir(certFile))
				fresh := readLeaf(t, certFile).SerialNumber
				waitFor(t, "the repaired certificate", func() bool { return src.Certificate().SerialNumber.Cmp(fresh) == 0 })
			} else {
				copyFile(t, filepath.Join(caDir, CACertFile), filepath.Join(caDir, BundleFile))
				data, _ := os.ReadFile(filepath.Join(caDir, BundleFile))
				write(t, filepath.Join(caDir, BundleFile), string(data)+"\n") // new content, same root
				waitFor(t, "the repaired bundle", func() bool { return len(logs.lines("identity: trust bundle reloaded")) == 1 })
			}
		})
	}
}

// TestSourceRefusalSeenTwice: a poll logs a refusal only when it sees the same content twice, so
// that a rotation caught between its two renames (new key, old certificate) is not reported.
func TestSourceRefusalSeenTwice(t *testing.T) {
	caDir := newCA(t, td)
	certFile, keyFile := issue(t, caDir, productsID)
	logs, log := newLog()
	cfg := Config{CertFile: certFile, KeyFile: keyFile, BundleFile: filepath.Join(caDir, BundleFile), ReloadInterval: time.Hour}
	src, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	refusals := func() int { return len(logs.lines("refused")) }

	_, otherKey := issue(t, caDir, productsID)
	copyFile(t, otherKey, keyFile) // half a rotation
	if err := src.reload(false); err == nil {
		t.Fatal("reload accepted a key of another certificate")
	}
	if n := refusals(); n != 0 {
		t.Errorf("first sighting logged %d refusals, want 0", n)
	}
	if err := src.reload(false); err == nil || refusals() != 1 {
		t.Errorf("second sighting: err %v, %d refusals logged; want an error and 1", err, refusals())
	}
	_ = src.reload(false)
	if n := refusals(); n != 1 {
		t.Errorf("third sighting: %d refusals logged, want 1", n)
	}
	if err := src.Reload(); err == nil || refusals() != 2 {
		t.Errorf("Reload: err %v, %d refusals logged; want an error and 2", err, refusals())
	}
}

// TestSourceAppliesUntrustedBundle: a bundle that no longer holds the root of the instance's own
// certificate is applied (distrust must take effect), with a warning.
func TestSourceAppliesUntrustedBundle(t *testing.T) {
	caDir := newCA(t, td)
	other := newCA(t, td)
	certFile, keyFile := issue(t, caDir, productsID)
	logs, log := newLog()
	src := newTestSource(t, certFile, keyFile, filepath.Join(caDir, BundleFile), log)

	copyFile(t, filepath.Join(other, BundleFile), filepath.Join(caDir, BundleFile))
	otherRoot := readLeaf(t, filepath.Join(other, CACertFile))
	waitFor(t, "the new bundle", func() bool { return src.Roots()[0].Equal(otherRoot) })
	waitFor(t, "the warning", func() bool {
		return len(logs.lines("own certificate does not verify against the trust bundle", "unknown authority")) == 1
	})
}

func TestNewRefuses(t *testing.T) {
	caDir := newCA(t, td)
	certFile, keyFile := issue(t, caDir, productsID)
	bundleFile := filepath.Join(caDir, BundleFile)
	expCert, expKey := craftLeaf(t, caDir, func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
	})
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no cert file", Config{KeyFile: keyFile, BundleFile: bundleFile, ReloadInterval: time.Second}, "cert_file is missing"},
		{"no key file", Config{CertFile: certFile, BundleFile: bundleFile, ReloadInterval: time.Second}, "key_file is missing"},
		{"no bundle file", Config{CertFile: certFile, KeyFile: keyFile, ReloadInterval: time.Second}, "bundle_file is missing"},
		{"zero interval", Config{CertFile: certFile, KeyFile: keyFile, BundleFile: bundleFile}, "reload_interval 0s must be positive"},
		{"missing cert", Config{CertFile: certFile + ".x", KeyFile: keyFile, BundleFile: bundleFile, ReloadInterval: time.Second}, "no such file"},
		{"mismatched key", Config{CertFile: certFile, KeyFile: expKey, BundleFile: bundleFile, ReloadInterval: time.Second}, "is not the key of"},
		{"expired", Config{CertFile: expCert, KeyFile: expKey, BundleFile: bundleFile, ReloadInterval: time.Second}, "expired at"},
		{"bundle not a CA", Config{CertFile: certFile, KeyFile: keyFile, BundleFile: certFile, ReloadInterval: time.Second}, "is not a CA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := New(tc.cfg, nil)
			if err == nil {
				src.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v; want an error containing %q", err, tc.want)
			}
		})
	}

	src, err := NewSource(certFile, keyFile, bundleFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	if src.ID() != productsID {
		t.Errorf("ID = %s, want %s", src.ID(), productsID)
	}
	src.Close()
	src.Close() // idempotent
}

func TestDefaultConfig(t *testing.T) {
	if got := DefaultConfig(); got != (Config{ReloadInterval: time.Second}) {
		t.Errorf("DefaultConfig() = %+v", got)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := writeFileAtomic(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestSourceLogsOwnExpiry: a certificate that expires without being replaced is reported once.
func TestSourceLogsOwnExpiry(t *testing.T) {
	caDir := newCA(t, td)
	certFile, keyFile := craftLeaf(t, caDir, func(c *x509.Certificate) { c.NotAfter = time.Now().Add(3 * time.Second) })
	logs, log := newLog()
	newTestSource(t, certFile, keyFile, filepath.Join(caDir, BundleFile), log)
	msg := "identity: own certificate expired and was not replaced"
	waitFor(t, "the expiry log line", func() bool { return len(logs.lines(msg)) > 0 })
	time.Sleep(4 * testReload)
	if got := logs.lines(msg, "level=ERROR", "id="+productsID.String()); len(got) != 1 {
		t.Errorf("want one expiry line; logs:\n%s", logs)
	}
}
