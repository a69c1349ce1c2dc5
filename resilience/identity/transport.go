package identity

import (
	"net"
	"net/http"
	"time"
)

// Transport settings of NewTransport.
const (
	// DialTimeout bounds the TCP connect to an instance.
	DialTimeout = 5 * time.Second
	// HandshakeTimeout bounds the TLS handshake, so that a peer that stalls it is given up.
	HandshakeTimeout = 5 * time.Second
	// IdleConnTimeout closes a connection unused for that long.
	IdleConnTimeout = 90 * time.Second
	// MaxIdleConnsPerHost keeps HTTP/1.1 connections for reuse; HTTP/2 needs one per instance.
	MaxIdleConnsPerHost = 64
	// PingInterval is the HTTP/2 health check: a connection silent for that long is pinged and
	// closed if the ping is not answered within PingTimeout, so that a dead peer is noticed
	// before a request waits on it.
	PingInterval = 30 * time.Second
	PingTimeout  = 15 * time.Second
)

// NewTransport is the transport of the gateway to the instances of the subgraph expect names
// (one transport per subgraph): mTLS with ClientConfig, HTTP/2 where the instance offers it
// (HTTP/1.1 otherwise), connections kept and reused so that a handshake is paid per connection,
// not per request, and no proxy from the environment. The caller calls CloseIdleConnections when
// it drops the transport.
func NewTransport(src *Source, expect ID) *http.Transport {
	dialer := &net.Dialer{Timeout: DialTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       ClientConfig(src, expect),
		TLSHandshakeTimeout:   HandshakeTimeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * MaxIdleConnsPerHost,
		MaxIdleConnsPerHost:   MaxIdleConnsPerHost,
		IdleConnTimeout:       IdleConnTimeout,
		ExpectContinueTimeout: time.Second,
		HTTP2: &http.HTTP2Config{
			SendPingTimeout: PingInterval,
			PingTimeout:     PingTimeout,
		},
	}
}
