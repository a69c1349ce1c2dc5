package identity

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInitCA(t *testing.T) {
	dir := newCA(t, td)
	modes := map[string]os.FileMode{CACertFile: 0o644, CAKeyFile: 0o600, BundleFile: 0o644}
	for name, want := range modes {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode = %v, want %v", name, got, want)
		}
	}
	c, err := loadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	root := c.cert
	if !root.IsCA || !root.MaxPathLenZero || root.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("root: IsCA %v, MaxPathLenZero %v, KeyUsage %v", root.IsCA, root.MaxPathLenZero, root.KeyUsage)
	}
	if len(root.URIs) != 1 || root.URIs[0].String() != "spiffe://example.org" {
		t.Errorf("root URIs = %v, want [spiffe://example.org]", root.URIs)
	}
	if got := root.PermittedURIDomains; len(got) != 1 || got[0] != td {
		t.Errorf("root name constraint = %v, want [%s]", got, td)
	}
	if d := root.NotAfter.Sub(root.NotBefore); d < DefaultCALifetime || d > DefaultCALifetime+2*time.Minute {
		t.Errorf("root lifetime = %v, want about %v", d, DefaultCALifetime)
	}
	bundle, err := readBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bundle) != 1 || !bundle[0].Equal(root) {
		t.Errorf("bundle holds %d roots, want the root alone", len(bundle))
	}
}

func TestInitCARefuses(t *testing.T) {
	dir := newCA(t, td)
	before := map[string][]byte{}
	for _, name := range []string{CACertFile, CAKeyFile, BundleFile} {
		before[name], _ = os.ReadFile(filepath.Join(dir, name))
	}
	err := InitCA(dir, td, 0)
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "RotateCA") {
		t.Errorf("InitCA over a CA = %v; want an 'already exists ... RotateCA' error", err)
	}
	for name, data := range before {
		if after, _ := os.ReadFile(filepath.Join(dir, name)); !bytes.Equal(after, data) {
			t.Errorf("the refused InitCA changed %s", name)
		}
	}

	bad := []struct{ td, want string }{
		{"", "trust domain is missing"},
		{"Example.org", "trust domain characters"},
		{"spiffe://example.org", "bare name"},
		{"example.org:8443", "bare name"},
		{"example.org/x", "bare name"},
	}
	for _, tc := range bad {
		d := filepath.Join(t.TempDir(), "ca")
		err := InitCA(d, tc.td, 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("InitCA(%q) = %v; want an error containing %q", tc.td, err, tc.want)
		}
		if _, serr := os.Stat(d); serr == nil {
			t.Errorf("InitCA(%q) failed but created %s", tc.td, d)
		}
	}
	if err := InitCA(filepath.Join(t.TempDir(), "ca"), td, time.Minute); err == nil {
		t.Error("InitCA with a one-minute lifetime succeeded")
	}
	if err := InitCA(filepath.Join(t.TempDir(), "ca"), td, -time.Hour); err == nil {
		t.Error("InitCA with a negative lifetime succeeded")
	}
}

func TestIssue(t *testing.T) {
	caDir := newCA(t, td)
	out := filepath.Join(t.TempDir(), "certs")
	before := time.Now()
	certFile, keyFile, err := Issue(caDir, productsID, 0, out)
	if err != nil {
		t.Fatal(err)
	}
	if certFile != filepath.Join(out, "subgraph-products.pem") || keyFile != filepath.Join(out, "subgraph-products-key.pem") {
		t.Errorf("files = %s, %s", certFile, keyFile)
	}
	for file, want := range map[string]os.FileMode{certFile: 0o644, keyFile: 0o600} {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode = %v, want %v", filepath.Base(file), got, want)
		}
	}
	leaf := readLeaf(t, certFile)
	if pub, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Errorf("leaf key is %T, want ECDSA P-256", leaf.PublicKey)
	}
	if len(leaf.URIs) != 1 || leaf.URIs[0].String() != productsID.String() {
		t.Errorf("leaf URIs = %v, want [%s]", leaf.URIs, productsID)
	}
	if len(leaf.DNSNames)+len(leaf.IPAddresses)+len(leaf.EmailAddresses) != 0 || leaf.IsCA {
		t.Errorf("leaf has other SANs or is a CA: %v %v %v %v", leaf.DNSNames, leaf.IPAddresses, leaf.EmailAddresses, leaf.IsCA)
	}
	eku := map[x509.ExtKeyUsage]bool{}
	for _, u := range leaf.ExtKeyUsage {
		eku[u] = true
	}
	if !eku[x509.ExtKeyUsageServerAuth] || !eku[x509.ExtKeyUsageClientAuth] || len(eku) != 2 {
		t.Errorf("leaf ExtKeyUsage = %v, want server and client auth", leaf.ExtKeyUsage)
	}
	if nb := leaf.NotBefore; nb.After(before.Add(-59*time.Second)) || nb.Before(before.Add(-2*time.Minute)) {
		t.Errorf("NotBefore = %v, want a minute before %v", nb, before)
	}
	if ttl := leaf.NotAfter.Sub(leaf.NotBefore); ttl < DefaultLeafTTL || ttl > DefaultLeafTTL+2*time.Minute {
		t.Errorf("lifetime = %v, want %v and the minute back", ttl, DefaultLeafTTL)
	}
	bundle, _ := readBundle(caDir)
	pool := x509.NewCertPool()
	pool.AddCert(bundle[0])
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Errorf("leaf does not verify against the bundle: %v", err)
	}

	// Reissuing replaces the files.
	if _, _, err := Issue(caDir, productsID, time.Hour, out); err != nil {
		t.Fatal(err)
	}
	if again := readLeaf(t, certFile); again.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
		t.Error("reissue kept the old certificate")
	} else if ttl := again.NotAfter.Sub(again.NotBefore); ttl != time.Hour+time.Minute {
		t.Errorf("reissued lifetime = %v, want 1h plus the minute back", ttl)
	}
}

func TestIssueRefuses(t *testing.T) {
	caDir := newCA(t, td)
	tests := []struct {
		name string
		id   ID
		ttl  time.Duration
		dir  string
		want string
	}{
		{"foreign trust domain", ID{"other.org", KindSubgraph, "products"}, 0, caDir,
			"the CA in " + caDir + " is for trust domain example.org and cannot issue spiffe://other.org/subgraph/products"},
		{"sub-domain", ID{"sub.example.org", KindGateway, "gw-1"}, 0, caDir, "cannot issue spiffe://sub.example.org/gateway/gw-1"},
		{"invalid ID", ID{td, "service", "products"}, 0, caDir, `kind "service"`},
		{"negative TTL", productsID, -time.Hour, caDir, "negative"},
		{"outlasts the root", productsID, 11 * 365 * 24 * time.Hour, caDir, "would outlast the root"},
		{"no CA", productsID, 0, t.TempDir(), "reading the CA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			_, _, err := Issue(tc.dir, tc.id, tc.ttl, out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Issue = %v; want an error containing %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("the refused Issue wrote %d files", len(entries))
			}
		})
	}

	t.Run("key of another root", func(t *testing.T) {
		other := newCA(t, td)
		data, _ := os.ReadFile(filepath.Join(other, CAKeyFile))
		if err := os.WriteFile(filepath.Join(caDir, CAKeyFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := Issue(caDir, productsID, 0, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "is not the key of") {
			t.Errorf("Issue = %v; want a key mismatch error", err)
		}
	})
}

func TestRotateCA(t *testing.T) {
	caDir := newCA(t, td)
	oldRoot := readLeaf(t, filepath.Join(caDir, CACertFile))
	oldLeaf := readLeaf(t, first(issue(t, caDir, productsID)))

	if err := RotateCA(caDir, 0); err != nil {
		t.Fatal(err)
	}
	newRoot := readLeaf(t, filepath.Join(caDir, CACertFile))
	if newRoot.Equal(oldRoot) {
		t.Fatal("RotateCA kept the root")
	}
	if fi, _ := os.Stat(filepath.Join(caDir, CAKeyFile)); fi.Mode().Perm() != 0o600 {
		t.Errorf("rotated key mode = %v", fi.Mode().Perm())
	}
	bundle, err := readBundle(caDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bundle) != 2 || !bundle[0].Equal(newRoot) || !bundle[1].Equal(oldRoot) {
		t.Fatalf("bundle after RotateCA holds %d roots, want the new and the old", len(bundle))
	}
	newLeaf := readLeaf(t, first(issue(t, caDir, productsID)))
	verifies := func(leaf *x509.Certificate, roots ...*x509.Certificate) bool {
		pool := x509.NewCertPool()
		for _, r := range roots {
			pool.AddCert(r)
		}
		_, err := leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		return err == nil
	}
	if !verifies(newLeaf, newRoot) || verifies(newLeaf, oldRoot) {
		t.Error("a certificate issued after RotateCA must be signed by the new root only")
	}
	if !verifies(oldLeaf, bundle...) || !verifies(newLeaf, bundle...) {
		t.Error("the rotation bundle must verify certificates of both roots")
	}

	removed, err := RetireRoots(caDir)
	if err != nil || removed != 1 {
		t.Fatalf("RetireRoots = %d, %v; want 1, nil", removed, err)
	}
	bundle, _ = readBundle(caDir)
	if len(bundle) != 1 || !bundle[0].Equal(newRoot) {
		t.Fatalf("bundle after RetireRoots holds %d roots, want the new one", len(bundle))
	}
	if removed, err := RetireRoots(caDir); err != nil || removed != 0 {
		t.Errorf("second RetireRoots = %d, %v; want 0, nil", removed, err)
	}

	if err := RotateCA(t.TempDir(), 0); err == nil {
		t.Error("RotateCA without a CA succeeded")
	}
}

func TestRetireRootsRefusesForeignBundle(t *testing.T) {
	caDir := newCA(t, td)
	other := newCA(t, td)
	data, _ := os.ReadFile(filepath.Join(other, BundleFile))
	if err := os.WriteFile(filepath.Join(caDir, BundleFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := RetireRoots(caDir); err == nil || !strings.Contains(err.Error(), "does not hold the root") {
		t.Errorf("RetireRoots = %v; want a refusal", err)
	}
	if after, _ := os.ReadFile(filepath.Join(caDir, BundleFile)); !bytes.Equal(after, data) {
		t.Error("the refused RetireRoots changed the bundle")
	}
}

func first(a, _ string) string { return a }
