package h1

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestIdleConnectionResetByServer: the server (or a load balancer in front of it)
// drops an idle kept connection with a reset (SO_LINGER 0) instead of a FIN. At 6226a8f a
// resendable request (a GET, a query) skips the check a request without GetBody gets, is
// written on the reset connection, and the write fails ("connection reset by peer"); only
// a failure of the read is taken as a stale connection (staleError), so the request fails
// although nothing reached the server. net/http sends it again on a new connection.
func TestIdleConnectionResetByServer(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		for _, tc := range transports() {
			t.Run(method+"/"+tc.name, func(t *testing.T) {
				reset := make(chan struct{})
				s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
					if _, ok := readRequest(br); !ok {
						return
					}
					respond(c, "ok")
					if n == 0 {
						<-reset
						c.(*net.TCPConn).SetLinger(0)
						return // closes with RST
					}
					for {
						if _, ok := readRequest(br); !ok {
							return
						}
						respond(c, "ok")
					}
				})
				do := func() error {
					var body *strings.Reader
					req, _ := http.NewRequest(method, s.url, nil)
					if method == http.MethodPost {
						body = strings.NewReader("{}")
						req, _ = http.NewRequest(method, s.url, body)
					}
					resp, err := tc.rt.RoundTrip(req)
					if err != nil {
						return err
					}
					readAll(t, resp)
					return nil
				}
				if err := do(); err != nil {
					t.Fatal(err)
				}
				close(reset)
				time.Sleep(30 * time.Millisecond) // ordering only: the RST has arrived
				if err := do(); err != nil {
					t.Fatalf("a resendable request on a connection the server had reset: %v", err)
				}
			})
		}
	}
}

// TestIdleConnectionsClosed: CloseIdleConnections and the idle timeout close kept
// connections on the server's side too. (Held.)
func TestIdleConnectionsClosed(t *testing.T) {
	closed := make(chan int, 4)
	s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
		defer func() { closed <- n }()
		for {
			if _, ok := readRequest(br); !ok {
				return
			}
			respond(c, "ok")
		}
	})
	get := func(tr *Transport) {
		req, _ := http.NewRequest(http.MethodGet, s.url, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
	}
	tr, _ := newTransport()
	get(tr)
	tr.CloseIdleConnections()
	if n := <-closed; n != 0 {
		t.Fatalf("connection %d closed", n)
	}
	short := New(Options{Fallback: &fallback{}, IdleTimeout: time.Millisecond})
	get(short)
	time.Sleep(5 * time.Millisecond) // past the idle timeout
	get(short)                       // on a new connection; the old one is closed
	if n := <-closed; n != 1 {
		t.Fatalf("connection %d closed, want the idle one (1)", n)
	}
	if c := s.conns.Load(); c != 3 {
		t.Fatalf("%d connections, want 3", c)
	}
	short.CloseIdleConnections()
}

// TestCancelMidBody: cancelling the context while the body is being read ends the
// read with context.Canceled and the connection is not reused. (Held.)
func TestCancelMidBody(t *testing.T) {
	s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
		for {
			if _, ok := readRequest(br); !ok {
				return
			}
			if n == 0 {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") // the rest never comes
				continue
			}
			respond(c, "ok")
		}
	})
	tr, _ := newTransport()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader("{}"))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("read: %v, want context.Canceled", err)
	}
	req, _ = http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
	resp, err = tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, resp); got != "ok" || s.conns.Load() != 2 {
		t.Fatalf("next: %q on %d connections", got, s.conns.Load())
	}
}
