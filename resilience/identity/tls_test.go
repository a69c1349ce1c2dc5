package identity

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestClientRefusesServer: the gateway's transport sends nothing to a peer that does not prove
// the expected subgraph identity, says which and why, and logs it.
func TestClientRefusesServer(t *testing.T) {
	caDir := newCA(t, td)
	otherCA := newCA(t, td) // same trust domain, another root: unknown to the bundle
	bundleFile := filepath.Join(caDir, BundleFile)

	tests := []struct {
		name   string
		leaf   func() (string, string)
		reason Reason
		want   string
	}{
		{
			name:   "wrong identity",
			leaf:   func() (string, string) { return issue(t, caDir, reviewsID) },
			reason: ReasonWrongID,
			want:   "peer presented spiffe://example.org/subgraph/reviews, expected spiffe://example.org/subgraph/products",
		},
		{
			name:   "gateway identity",
			leaf:   func() (string, string) { return issue(t, caDir, gatewayID) },
			reason: ReasonWrongID,
			want:   "peer presented spiffe://example.org/gateway/gw-1, expected spiffe://example.org/subgraph/products",
		},
		{
			name:   "unknown CA",
			leaf:   func() (string, string) { return issue(t, otherCA, productsID) },
			reason: ReasonUnknownAuthority,
			want:   "certificate of spiffe://example.org/subgraph/products signed by an unknown authority (not in bundle " + bundleFile + ")",
		},
		{
			name: "expired",
			leaf: func() (string, string) {
				return craftLeaf(t, caDir, func(c *x509.Certificate) {
					c.NotBefore, c.NotAfter = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
				})
			},
			reason: ReasonExpired,
			want:   "certificate of spiffe://example.org/subgraph/products expired at ",
		},
		{
			name: "not yet valid",
			leaf: func() (string, string) {
				return craftLeaf(t, caDir, func(c *x509.Certificate) { c.NotBefore = time.Now().Add(time.Hour) })
			},
			reason: ReasonNotYetValid,
			want:   "certificate of spiffe://example.org/subgraph/products is not valid before ",
		},
		{
			name: "two URI SANs",
			leaf: func() (string, string) {
				return craftLeaf(t, caDir, func(c *x509.Certificate) { c.URIs = append(c.URIs, reviewsID.URL()) })
			},
			reason: ReasonNotSPIFFE,
			want:   "peer certificate has 2 URI SANs; a SPIFFE certificate has exactly one",
		},
		{
			name: "no URI SAN",
			leaf: func() (string, string) {
				return craftLeaf(t, caDir, func(c *x509.Certificate) { c.URIs, c.DNSNames = nil, []string{"products"} })
			},
			reason: ReasonNotSPIFFE,
			want:   "peer certificate has no URI SAN; a SPIFFE certificate has exactly one",
		},
		{
			name: "not a Trellis path",
			leaf: func() (string, string) {
				return craftLeaf(t, caDir, func(c *x509.Certificate) {
					c.URIs = []*url.URL{{Scheme: "spiffe", Host: td, Path: "/ns/default/sa/products"}}
				})
			},
			reason: ReasonNotSPIFFE,
			want:   `"spiffe://example.org/ns/default/sa/products" is not a Trellis identity`,
		},
		{
			name: "another trust domain signed by this CA",
			leaf: func() (string, string) {
				return craftLeaf(t, caDir, func(c *x509.Certificate) {
					c.URIs = []*url.URL{{Scheme: "spiffe", Host: "other.org", Path: "/subgraph/products"}}
				})
			},
			reason: ReasonBadChain, // the root's name constraint
			want:   "certificate of spiffe://other.org/subgraph/products does not verify against bundle",
		},
		{
			name: "client-only certificate",
			leaf: func() (string, string) {
				return craftLeaf(t, caDir, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} })
			},
			reason: ReasonBadChain,
			want:   "certificate of spiffe://example.org/subgraph/products does not verify against bundle",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs, log := newLog()
			gwCert, gwKey := issue(t, caDir, gatewayID)
			src := newTestSource(t, gwCert, gwKey, bundleFile, log)
			leafCert, leafKey := tc.leaf()
			srv := startPlainServer(t, leafCert, leafKey)
			tr := NewTransport(src, productsID)
			defer tr.CloseIdleConnections()

			_, err := get(&http.Client{Transport: tr}, srv.URL)
			if err == nil {
				t.Fatal("request succeeded; want a refusal")
			}
			t.Logf("client error: %v", err)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
			var pe *PeerError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *PeerError", err)
			}
			if pe.Reason != tc.reason {
				t.Errorf("reason = %s, want %s", pe.Reason, tc.reason)
			}
			if n := srv.calls.Load(); n != 0 {
				t.Errorf("the refused server handled %d requests, want 0", n)
			}
			if got := logs.lines("identity: server refused", "reason="+string(tc.reason), "expected="+productsID.String()); len(got) != 1 {
				t.Errorf("want one refusal log line with reason %s, got %d; logs:\n%s", tc.reason, len(got), logs)
			}
		})
	}
}

// TestServerRefusesClient: subgraph instances accept gateways of their trust domain only, and log
// each refused client with its address and the reason.
func TestServerRefusesClient(t *testing.T) {
	caDir := newCA(t, td)
	otherCA := newCA(t, td)
	foreignCA := newCA(t, "other.org")
	bundleFile := filepath.Join(caDir, BundleFile)

	// A bad client presents whatever certificate it has and checks nothing of the server.
	badClient := func(certFile, keyFile string) *http.Client {
		cfg := &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}}
		if certFile != "" {
			cert, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}}
	}

	tests := []struct {
		name   string
		client func(t *testing.T) *http.Client
		reason Reason
		want   string
	}{
		{
			name: "subgraph identity",
			client: func(t *testing.T) *http.Client {
				c, k := issue(t, caDir, reviewsID)
				src := newTestSource(t, c, k, bundleFile, nil)
				return &http.Client{Transport: NewTransport(src, productsID)}
			},
			reason: ReasonUnauthorized,
			want:   "caller refused: spiffe://example.org/subgraph/reviews is not a gateway of trust domain example.org",
		},
		{
			name: "gateway of another trust domain",
			client: func(t *testing.T) *http.Client {
				return badClient(issue(t, foreignCA, ID{"other.org", KindGateway, "gw-1"}))
			},
			reason: ReasonUnknownAuthority,
			want:   "certificate of spiffe://other.org/gateway/gw-1 signed by an unknown authority",
		},
		{
			name:   "unknown CA",
			client: func(t *testing.T) *http.Client { return badClient(issue(t, otherCA, gatewayID)) },
			reason: ReasonUnknownAuthority,
			want:   "certificate of spiffe://example.org/gateway/gw-1 signed by an unknown authority (not in bundle " + bundleFile + ")",
		},
		{
			name: "expired",
			client: func(t *testing.T) *http.Client {
				return badClient(craftLeaf(t, caDir, func(c *x509.Certificate) {
					c.URIs = []*url.URL{gatewayID.URL()}
					c.NotBefore, c.NotAfter = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
				}))
			},
			reason: ReasonExpired,
			want:   "certificate of spiffe://example.org/gateway/gw-1 expired at ",
		},
		{
			name: "two URI SANs",
			client: func(t *testing.T) *http.Client {
				return badClient(craftLeaf(t, caDir, func(c *x509.Certificate) {
					c.URIs = []*url.URL{gatewayID.URL(), productsID.URL()}
				}))
			},
			reason: ReasonNotSPIFFE,
			want:   "peer certificate has 2 URI SANs; a SPIFFE certificate has exactly one",
		},
		{
			name:   "no certificate",
			client: func(t *testing.T) *http.Client { return badClient("", "") },
			reason: ReasonNoCertificate,
			want:   "peer presented no certificate",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs, log := newLog()
			c, k := issue(t, caDir, productsID)
			src := newTestSource(t, c, k, bundleFile, log)
			srv := startServer(t, ServerConfig(src, AuthorizeGateways(td)))
			client := tc.client(t)
			defer client.CloseIdleConnections()

			if _, err := get(client, srv.URL); err == nil {
				t.Fatal("request succeeded; want a refusal")
			}
			if n := srv.calls.Load(); n != 0 {
				t.Errorf("handler called %d times, want 0", n)
			}
			// The server logs after it sent its alert, which the client may see first.
			waitFor(t, "the refusal log line", func() bool { return len(logs.lines("identity: client refused")) > 0 })
			got := logs.lines("identity: client refused", "reason="+string(tc.reason), "remote_addr=127.0.0.1:")
			if len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Errorf("want one refusal log line with reason %s and %q; logs:\n%s", tc.reason, tc.want, logs)
			}
		})
	}
}

// TestMutualTLS: a gateway reaches the subgraph it expects, over HTTP/2, and the handler sees
// the gateway's identity.
func TestMutualTLS(t *testing.T) {
	caDir := newCA(t, td)
	bundleFile := filepath.Join(caDir, BundleFile)
	sc, sk := issue(t, caDir, productsID)
	gc, gk := issue(t, caDir, gatewayID)
	srv := startServer(t, ServerConfig(newTestSource(t, sc, sk, bundleFile, nil), AuthorizeGateways(td)))
	tr := NewTransport(newTestSource(t, gc, gk, bundleFile, nil), productsID)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	for range 3 {
		body, err := get(client, srv.URL)
		if err != nil || body != "ok" {
			t.Fatalf("get = %q, %v; want ok", body, err)
		}
	}
	if got := srv.http2.Load(); got != 3 {
		t.Errorf("%d of 3 requests over HTTP/2", got)
	}
	if got := srv.handshakes.Load(); got != 1 {
		t.Errorf("%d handshakes for 3 requests, want 1", got)
	}
	if got := srv.lastPeer.Load(); got == nil || *got != gatewayID {
		t.Errorf("handler saw peer %v, want %s", got, gatewayID)
	}
}

// TestServerConfigWithoutAuthorizer: a nil authorizer refuses every caller rather than none.
func TestServerConfigWithoutAuthorizer(t *testing.T) {
	caDir := newCA(t, td)
	bundleFile := filepath.Join(caDir, BundleFile)
	logs, log := newLog()
	sc, sk := issue(t, caDir, productsID)
	gc, gk := issue(t, caDir, gatewayID)
	srv := startServer(t, ServerConfig(newTestSource(t, sc, sk, bundleFile, log), nil))
	tr := NewTransport(newTestSource(t, gc, gk, bundleFile, nil), productsID)
	defer tr.CloseIdleConnections()

	if _, err := get(&http.Client{Transport: tr}, srv.URL); err == nil {
		t.Fatal("request succeeded; want a refusal")
	}
	waitFor(t, "the refusal log line", func() bool {
		return len(logs.lines("identity: client refused", "no authorizer configured")) == 1
	})
	if n := srv.calls.Load(); n != 0 {
		t.Errorf("handler called %d times, want 0", n)
	}
}

func TestAuthorizeGateways(t *testing.T) {
	auth := AuthorizeGateways(td)
	tests := []struct {
		id      ID
		wantErr bool
	}{
		{gatewayID, false},
		{ID{td, KindGateway, "gw-2"}, false},
		{productsID, true},
		{ID{"other.org", KindGateway, "gw-1"}, true},
		{ID{"sub.example.org", KindGateway, "gw-1"}, true},
	}
	for _, tc := range tests {
		if err := auth(tc.id); (err != nil) != tc.wantErr {
			t.Errorf("AuthorizeGateways(%s)(%s) = %v, want error %v", td, tc.id, err, tc.wantErr)
		}
	}
}

func TestPeerID(t *testing.T) {
	if _, err := PeerID(nil); err == nil {
		t.Error("PeerID(nil) succeeded")
	}
	if _, err := PeerID(&tls.ConnectionState{}); err == nil {
		t.Error("PeerID without certificates succeeded")
	}
}

// TestClientConfigInvalidExpect: a transport built for no valid identity connects to nothing.
func TestClientConfigInvalidExpect(t *testing.T) {
	caDir := newCA(t, td)
	bundleFile := filepath.Join(caDir, BundleFile)
	sc, sk := issue(t, caDir, productsID)
	gc, gk := issue(t, caDir, gatewayID)
	srv := startServer(t, ServerConfig(newTestSource(t, sc, sk, bundleFile, nil), AuthorizeGateways(td)))
	tr := NewTransport(newTestSource(t, gc, gk, bundleFile, nil), ID{})
	defer tr.CloseIdleConnections()
	_, err := get(&http.Client{Transport: tr}, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "no valid identity to expect") {
		t.Errorf("err = %v; want a refusal naming the invalid expected identity", err)
	}
	if n := srv.calls.Load(); n != 0 {
		t.Errorf("handler called %d times, want 0", n)
	}
}

// TestConfigDefaults pins the settings the rest of the mesh relies on.
func TestConfigDefaults(t *testing.T) {
	caDir := newCA(t, td)
	c, k := issue(t, caDir, gatewayID)
	src := newTestSource(t, c, k, filepath.Join(caDir, BundleFile), nil)

	tr := NewTransport(src, productsID)
	cc := tr.TLSClientConfig
	switch {
	case !tr.ForceAttemptHTTP2:
		t.Error("transport: HTTP/2 not attempted")
	case tr.Proxy != nil:
		t.Error("transport: mesh traffic must not follow proxy settings")
	case tr.TLSHandshakeTimeout != 5*time.Second || tr.IdleConnTimeout != 90*time.Second || tr.MaxIdleConnsPerHost != 64:
		t.Errorf("transport: handshake timeout %v, idle timeout %v, idle per host %d", tr.TLSHandshakeTimeout, tr.IdleConnTimeout, tr.MaxIdleConnsPerHost)
	case tr.HTTP2 == nil || tr.HTTP2.SendPingTimeout != 30*time.Second || tr.HTTP2.PingTimeout != 15*time.Second:
		t.Errorf("transport: HTTP/2 health checks %+v", tr.HTTP2)
	case cc.MinVersion != tls.VersionTLS13 || cc.VerifyConnection == nil || cc.GetClientCertificate == nil || cc.ClientSessionCache != nil:
		t.Errorf("client config: %+v", cc)
	case strings.Join(cc.NextProtos, ",") != "h2,http/1.1":
		t.Errorf("client NextProtos = %v", cc.NextProtos)
	}

	sc := ServerConfig(src, AuthorizeGateways(td))
	switch {
	case sc.MinVersion != tls.VersionTLS13 || sc.ClientAuth != tls.RequestClientCert || !sc.SessionTicketsDisabled:
		t.Errorf("server config: min version %x, client auth %v, tickets disabled %v", sc.MinVersion, sc.ClientAuth, sc.SessionTicketsDisabled)
	case sc.GetConfigForClient == nil || sc.VerifyConnection == nil || sc.GetCertificate == nil:
		t.Error("server config: missing hooks")
	case strings.Join(sc.NextProtos, ",") != "h2,http/1.1":
		t.Errorf("server NextProtos = %v", sc.NextProtos)
	}
}
