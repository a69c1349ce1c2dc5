package h1

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMalformedResponsesLikeNetHTTP: hand-made responses a broken subgraph may send,
// each written in one piece (then the server either closes or answers later requests
// honestly). h1's outcome for the request (error or status and body) must be net/http's,
// and the next request must get its own answer. (Held for every case.)
func TestMalformedResponsesLikeNetHTTP(t *testing.T) {
	cases := []struct {
		name, raw string
		close     bool
	}{
		{"short body then close", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true},
		{"huge Content-Length then close", "HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\nabc", true},
		{"extra bytes in the same write", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged", false},
		{"Content-Length and chunked", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false},
		{"chunked with trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n2\r\nok\r\n0\r\nX-T: v\r\n\r\n", false},
		{"chunked, bad size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n", false},
		{"chunked, closed mid-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nok", true},
		{"two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk", false},
		{"HTTP/1.0, read to close", "HTTP/1.0 200 OK\r\n\r\nok", true},
		{"HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false},
		{"bad status line", "HTTP/1.1 abc\r\n\r\n", false},
		{"not HTTP", "hello\r\n\r\n", false},
		{"100 then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false},
		{"204 with a body", "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged", false},
		{"header line without colon", "HTTP/1.1 200 OK\r\nbroken\r\nContent-Length: 2\r\n\r\nok", false},
		{"closed before the status line", "", true},
	}
	outcome := func(rt http.RoundTripper, url string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader("{}"))
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return "error"
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return fmt.Sprintf("%d, error reading the body", resp.StatusCode)
		}
		return fmt.Sprintf("%d %q trailer %v", resp.StatusCode, b, resp.Trailer)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := map[string][2]string{}
			for _, tc := range transports() {
				s := newRawServer(t, func(n int, conn net.Conn, br *bufio.Reader) {
					if n == 0 {
						if _, ok := readRequest(br); !ok {
							return
						}
						io.WriteString(conn, c.raw)
						if c.close {
							return
						}
					}
					for {
						if _, ok := readRequest(br); !ok {
							return
						}
						respond(conn, "second")
					}
				})
				got[tc.name] = [2]string{outcome(tc.rt, s.url), outcome(tc.rt, s.url)}
			}
			if got["h1"][0] != got["net/http"][0] {
				t.Errorf("h1 %s, net/http %s", got["h1"][0], got["net/http"][0])
			}
			if want := `200 "second" trailer map[]`; got["h1"][1] != want {
				t.Errorf("next request: h1 %s, want %s", got["h1"][1], want)
			}
		})
	}
}
