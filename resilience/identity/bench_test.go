package identity

import (
	"crypto/x509"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkVerifyPeer is the identity check of one handshake (chain and SPIFFE ID).
func BenchmarkVerifyPeer(b *testing.B) {
	caDir := newCA(b, td)
	c, k := issue(b, caDir, productsID)
	src := newTestSource(b, c, k, filepath.Join(caDir, BundleFile), nil)
	chain := []*x509.Certificate{src.Certificate()}
	bundle := src.bundle.Load()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verifyPeer(chain, bundle, x509.ExtKeyUsageServerAuth, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequest is one request over a pooled mTLS HTTP/2 connection: the steady state.
func BenchmarkRequest(b *testing.B) {
	srv, tr := benchPair(b)
	client := &http.Client{Transport: tr}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := get(client, srv.URL); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandshake is one request over a new connection: what pooling saves.
func BenchmarkHandshake(b *testing.B) {
	srv, tr := benchPair(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := get(&http.Client{Transport: tr}, srv.URL); err != nil {
			b.Fatal(err)
		}
		tr.CloseIdleConnections()
	}
}

func benchPair(b *testing.B) (*server, *http.Transport) {
	caDir := newCA(b, td)
	bundleFile := filepath.Join(caDir, BundleFile)
	sc, sk := issue(b, caDir, productsID)
	gc, gk := issue(b, caDir, gatewayID)
	srv := startServer(b, ServerConfig(newTestSource(b, sc, sk, bundleFile, nil), AuthorizeGateways(td)))
	tr := NewTransport(newTestSource(b, gc, gk, bundleFile, nil), productsID)
	b.Cleanup(tr.CloseIdleConnections)
	return srv, tr
}
