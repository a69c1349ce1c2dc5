package h1

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestEarlyAnswerBeforeTheBody: the subgraph refuses a large request at once (413,
// Connection: close) without reading its body, and closes. net/http returns the 413 to the
// caller; h1 only writes, fails with a write error (connection reset / broken pipe), and
// the subgraph's answer is lost: the gateway reports a transport failure instead of the
// subgraph's status.
func TestEarlyAnswerBeforeTheBody(t *testing.T) {
	for _, tc := range transports() {
		t.Run(tc.name, func(t *testing.T) {
			s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
				if _, err := http.ReadRequest(br); err != nil {
					return
				}
				io.WriteString(c, "HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\nContent-Length: 9\r\n\r\ntoo large")
				time.Sleep(50 * time.Millisecond)
			})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(strings.Repeat("x", 8<<20)))
			resp, err := tc.rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("the subgraph's early answer was lost: %v", err)
			}
			if got := readAll(t, resp); resp.StatusCode != 413 || got != "too large" {
				t.Fatalf("%d %q", resp.StatusCode, got)
			}
		})
	}
}

// TestResendAtMostOnce: the server reads every request on a connection after the
// first and drops the connection without answering. A resendable request on the kept
// connection is sent twice (once again on a new connection), never more; one without
// GetBody once. (Held.)
func TestResendAtMostOnce(t *testing.T) {
	for _, resendable := range []bool{true, false} {
		var reads atomic.Int64
		s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
			for i := 0; ; i++ {
				if _, ok := readRequest(br); !ok {
					return
				}
				if n == 0 && i == 0 {
					respond(c, "warm")
					continue
				}
				reads.Add(1)
				return // drops the connection
			}
		})
		tr, _ := newTransport()
		req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		req, _ = http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
		if !resendable {
			req.GetBody = nil
		}
		if _, err := tr.RoundTrip(req); err == nil {
			t.Fatal("no error")
		}
		want := int64(1)
		if resendable {
			want = 2
		}
		if n := reads.Load(); n != want {
			t.Fatalf("resendable=%v: the server read the request %d times, want %d", resendable, n, want)
		}
	}
}
