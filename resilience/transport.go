package resilience

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/trellis-gql/trellis/resilience/h1"
)

// NewTransport returns the base transport for https and for what h1 does not send (the
// fallback of the shared transport and of the executor's default client): keep-alive
// connections, many idle per host (a gateway talks to few hosts, a lot), HTTP/2 when the
// server offers it over TLS, no proxy from the environment, no compression (subgraphs are
// near), and no timeouts of its own beyond dialing and handshakes (the client's deadlines
// bound requests). tlsConfig, when not nil, is used for https (the mTLS identity of the
// gateway and the verification of the subgraph's).
func NewTransport(tlsConfig *tls.Config) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsConfig,
		TLSHandshakeTimeout: 5 * time.Second,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		// 8 KB each: a subgraph request is usually under 1 KB, and a large body is read
		// straight into its buffer past the first 8 KB; 32 KB each cost ~6 MiB of peak RSS
		// with 50 requests in flight (bench-load: 77.6-79.5 -> 71.1-73.5 MiB).
		WriteBufferSize: 8 << 10,
		ReadBufferSize:  8 << 10,
	}
}

// sharedTransport is the one transport of every client built without one: plain-HTTP
// requests go through h1, which sends them on the calling goroutine with less work per
// request than net/http (docs/execution.md); the rest (https) through NewTransport(nil).
var sharedTransport = sync.OnceValue(func() http.RoundTripper {
	return h1.New(h1.Options{Fallback: NewTransport(nil)})
})

// cancelBody releases a context when the response body is closed: the context bounds the
// reading of the body too, so it cannot end when RoundTrip returns.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// closeBody closes the body of a request that will not be sent, as RoundTrip must.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
