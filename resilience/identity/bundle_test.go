package identity

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBundleRefusesRootsWithoutTrustDomain: a CA without a spiffe://TD URI (a corporate root
// appended to the bundle) could sign any identity; the Source refuses such a bundle.
func TestBundleRefusesRootsWithoutTrustDomain(t *testing.T) {
	ca := newCA(t, "example.org")
	id, _ := NewID("example.org", KindGateway, "gw")
	cert, key := issue(t, ca, id)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Corp Root"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(ca, BundleFile))
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	os.WriteFile(bundle, append(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), 0o644)
	_, err = NewSource(cert, key, bundle, nil)
	if err == nil || !strings.Contains(err.Error(), "certificate 2 (CN=Corp Root) has no spiffe://TRUST-DOMAIN URI") {
		t.Fatalf("NewSource = %v", err)
	}
}
