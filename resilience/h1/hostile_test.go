package h1

// Review tests: a hostile or broken subgraph server, and unusual client requests. Each
// test that compares with net/http runs the same input through net/http's Transport as a
// reference: that case passes, and the h1 case shows the difference.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawServer is a TCP server on 127.0.0.1 that hands each accepted connection (numbered
// from 0) to serve, which writes hand-made responses.
type rawServer struct {
	url   string
	conns atomic.Int64
}

func newRawServer(t *testing.T, serve func(n int, c net.Conn, br *bufio.Reader)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{url: "http://" + ln.Addr().String()}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := int(s.conns.Add(1) - 1)
			mu.Lock()
			open = append(open, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				serve(n, c, bufio.NewReader(c))
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return s
}

// readRequest reads one request and its body; false when the client went away.
func readRequest(br *bufio.Reader) (*http.Request, bool) {
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, false
	}
	io.Copy(io.Discard, req.Body)
	return req, true
}

func respond(c net.Conn, body string) {
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

// answerAll answers every request on c with body, until the client closes.
func answerAll(c net.Conn, br *bufio.Reader, body string) {
	for {
		if _, ok := readRequest(br); !ok {
			return
		}
		respond(c, body)
	}
}

// transports returns h1 and, as the reference, net/http's Transport.
func transports() []struct {
	name string
	rt   http.RoundTripper
} {
	return []struct {
		name string
		rt   http.RoundTripper
	}{
		{"h1", New(Options{Fallback: &fallback{}})},
		{"net/http", &http.Transport{DisableCompression: true}},
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return string(b)
}

// TestUnsolicitedResponseOnIdleConnection: after a complete response, the server
// writes a second, unsolicited response on the kept connection while it is idle (a broken
// server whose Content-Length was shorter than what it sent in a second write, or a hostile
// one). A resendable request (a GET, or a query's POST with GetBody, as executor.send makes
// it) is sent on that connection without the check a non-resendable one gets, and is handed
// the forged response: the answer to another request. net/http notices bytes arriving on an
// idle connection and closes it ("Unsolicited response received on idle HTTP channel").
func TestUnsolicitedResponseOnIdleConnection(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		for _, tc := range transports() {
			t.Run(method+"/"+tc.name, func(t *testing.T) {
				forge, forged := make(chan struct{}), make(chan struct{})
				s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
					if n > 0 { // a new connection: the honest answer
						answerAll(c, br, "second")
						return
					}
					if _, ok := readRequest(br); !ok {
						return
					}
					respond(c, "first")
					<-forge
					respond(c, "forged") // nobody asked
					close(forged)
					if _, ok := readRequest(br); ok {
						respond(c, "second")
					}
				})
				do := func() string {
					var body io.Reader
					if method == http.MethodPost {
						body = strings.NewReader(`{"query":"{ me { id } }"}`) // GetBody set
					}
					req, _ := http.NewRequest(method, s.url+"/graphql", body)
					resp, err := tc.rt.RoundTrip(req)
					if err != nil {
						t.Fatalf("%s: %v", method, err)
					}
					return readAll(t, resp)
				}
				if got := do(); got != "first" {
					t.Fatalf("first response %q", got)
				}
				close(forge)
				<-forged
				time.Sleep(20 * time.Millisecond) // ordering only: let the bytes reach the client's socket
				if got := do(); got != "second" {
					t.Fatalf("second request got the body %q, want %q: a response nobody asked for was delivered as its answer", got, "second")
				}
			})
		}
	}
}

// TestSwitchingProtocolsIsNotPooled: a server answers a plain POST with 101 Switching
// Protocols and then speaks another protocol on the connection. http.ReadResponse gives a
// 1xx response an empty body, so h1 puts the connection back in the pool as if a normal
// empty response had ended, and the next request reads whatever the other protocol sends.
// net/http never keeps a connection after a 1xx/101 final response.
func TestSwitchingProtocolsIsNotPooled(t *testing.T) {
	for _, tc := range transports() {
		t.Run(tc.name, func(t *testing.T) {
			s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
				if n > 0 {
					answerAll(c, br, "second")
					return
				}
				if _, ok := readRequest(br); !ok {
					return
				}
				io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
				// The upgraded protocol's first bytes, which happen to read as HTTP.
				time.Sleep(20 * time.Millisecond)
				respond(c, "forged")
				io.Copy(io.Discard, br)
			})
			req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
			resp, err := tc.rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusSwitchingProtocols {
				t.Fatalf("status %d", resp.StatusCode)
			}
			resp.Body.Close()                 // as executor.send does after "HTTP 101: empty body"
			time.Sleep(40 * time.Millisecond) // ordering only
			req, _ = http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
			resp, err = tc.rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, resp); got != "second" {
				t.Fatalf("the request after a 101 got %q, want %q; server connections: %d (want 2)", got, "second", s.conns.Load())
			}
		})
	}
}

// TestResponseHeadersAreBounded: a server sends a 16 MiB header. http.ReadResponse
// has no limit of its own (net/http's Transport wraps it in MaxResponseHeaderBytes, 10 MiB by
// default, and fails); h1 reads it all into memory, and a server streaming headers makes
// the gateway buffer until the subgraph timeout. MaxSubgraphResponseBytes only bounds the
// body.
func TestResponseHeadersAreBounded(t *testing.T) {
	const size = 16 << 20
	for _, tc := range transports() {
		t.Run(tc.name, func(t *testing.T) {
			s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
				if _, ok := readRequest(br); !ok {
					return
				}
				w := bufio.NewWriterSize(c, 64<<10)
				w.WriteString("HTTP/1.1 200 OK\r\nX-Big: ")
				chunk := strings.Repeat("a", 64<<10)
				for written := 0; written < size; written += len(chunk) {
					if _, err := w.WriteString(chunk); err != nil {
						return // the client gave up: good
					}
				}
				w.WriteString("\r\nContent-Length: 2\r\n\r\nok")
				w.Flush()
				io.Copy(io.Discard, br)
			})
			req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
			resp, err := tc.rt.RoundTrip(req)
			if err == nil {
				n := len(resp.Header.Get("X-Big"))
				resp.Body.Close()
				t.Fatalf("a response with a %d-byte header was accepted, want an error", n)
			}
		})
	}
}

// TestInformationalResponsesAreBounded: a server sends 12 MiB of 1xx responses (103
// Early Hints with a 4 KiB Link header) before its answer. h1 parses and discards them in a
// loop bounded only by the context; net/http counts 1xx headers against
// MaxResponseHeaderBytes (10 MiB) and fails.
func TestInformationalResponsesAreBounded(t *testing.T) {
	for _, tc := range transports() {
		t.Run(tc.name, func(t *testing.T) {
			s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
				if _, ok := readRequest(br); !ok {
					return
				}
				w := bufio.NewWriterSize(c, 64<<10)
				hint := "HTTP/1.1 103 Early Hints\r\nLink: </" + strings.Repeat("s", 4<<10) + ">; rel=preload\r\n\r\n"
				for written := 0; written < 12<<20; written += len(hint) {
					if _, err := w.WriteString(hint); err != nil {
						return
					}
				}
				w.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				w.Flush()
				io.Copy(io.Discard, br)
			})
			req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
			resp, err := tc.rt.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("12 MiB of informational responses before the answer were accepted, want an error")
			}
		})
	}
}

// TestBodyOfUnknownLength: http.NewRequest with a reader of unknown length (not a
// bytes.Buffer, bytes.Reader or strings.Reader) leaves ContentLength 0 with a non-nil
// Body, which net/http documents as "unknown" and sends chunked. handles() only sends
// ContentLength < 0 to the fallback, so h1 writes "Content-Length: 0" and then fails the
// request ("request body length differs from ContentLength").
func TestBodyOfUnknownLength(t *testing.T) {
	s := newServer(t, echo)
	for _, tc := range []struct {
		name string
		rt   http.RoundTripper
	}{
		// As the gateway's default client: net/http behind h1, for what h1 does not send.
		{"h1", New(Options{Fallback: &http.Transport{}})},
		{"net/http", &http.Transport{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.URL, io.MultiReader(strings.NewReader(`{"query":"{ a }"}`)))
			if req.ContentLength != 0 || req.Body == nil {
				t.Fatalf("setup: ContentLength %d", req.ContentLength)
			}
			resp, err := tc.rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("a body of unknown length: %v", err)
			}
			if got := readAll(t, resp); got != `{"query":"{ a }"}` {
				t.Fatalf("the server got %q", got)
			}
		})
	}
}

// TestBodyLongerThanContentLengthIsNotWritten: a request whose body is longer than
// its ContentLength. writeRequest copies the whole body through the 8 KiB buffer, so
// whatever passes the buffer reaches the server, which reads the bytes past the declared
// length as the next request on the connection (request smuggling), before h1 notices the
// length and fails. net/http copies at most ContentLength bytes and fails without sending
// the rest.
func TestBodyLongerThanContentLengthIsNotWritten(t *testing.T) {
	for _, tc := range transports() {
		t.Run(tc.name, func(t *testing.T) {
			received := make(chan string, 1)
			s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
				c.SetReadDeadline(time.Now().Add(5 * time.Second)) // the client closes on error
				b, _ := io.ReadAll(br)
				received <- string(b)
			})
			pad := strings.Repeat("p", 16<<10)
			smuggled := fmt.Sprintf("POST /smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(pad), pad)
			req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"+smuggled))
			req.ContentLength = 2
			req.GetBody = nil
			if resp, err := tc.rt.RoundTrip(req); err == nil {
				resp.Body.Close()
				t.Fatal("no error for a body longer than ContentLength")
			}
			if tr, ok := tc.rt.(*http.Transport); ok {
				tr.CloseIdleConnections()
			}
			got := <-received
			if strings.Contains(got, "/smuggled") {
				t.Fatalf("the server received %d bytes, including the request hidden past the declared length", len(got))
			}
		})
	}
}

// TestControlCharactersInHostAndURL: writeRequest checks the header map, but writes
// req.Host and the request URI unchecked, so a Host or a raw query with CR LF adds headers
// to the request (CRLF injection). net/http never sends them: it refuses the URI ("can't
// write control character in Request.URL") and cuts or refuses the Host.
func TestControlCharactersInHostAndURL(t *testing.T) {
	var injected atomic.Int64
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Injected") != "" {
			injected.Add(1)
		}
	})
	cases := []struct {
		name string
		mk   func(*http.Request)
	}{
		{"Host", func(r *http.Request) { r.Host = "subgraph.internal\r\nX-Injected: yes" }},
		{"raw query", func(r *http.Request) { r.URL.RawQuery = "a=1 HTTP/1.1\r\nX-Injected: yes\r\nX-Rest:" }},
	}
	for _, c := range cases {
		for _, tc := range transports() {
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				before := injected.Load()
				req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader("{}"))
				c.mk(req)
				resp, err := tc.rt.RoundTrip(req)
				if err == nil {
					readAll(t, resp)
				}
				if n := injected.Load() - before; n != 0 {
					t.Fatalf("err %v; the server got %d request(s) with the injected header, want none", err, n)
				}
			})
		}
	}
}

// TestInvalidHeaderFieldsAreRefused: validHeader refuses only CR, LF and NUL in a
// value and space, colon and non-ASCII in a name; net/http refuses any name that is not a
// token and any value with other control characters. A header name with "(" or a value
// with \x01 or DEL goes out as written, which strict servers and proxies answer with 400.
func TestInvalidHeaderFieldsAreRefused(t *testing.T) {
	s := newServer(t, echo)
	cases := []struct{ name, k, v string }{
		{"name with (", "X-A(b)", "v"},
		{"value with \\x01", "X-A", "a\x01b"},
		{"value with DEL", "X-A", "a\x7fb"},
	}
	for _, c := range cases {
		for _, tc := range transports() {
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader("{}"))
				req.Header[c.k] = []string{c.v}
				resp, err := tc.rt.RoundTrip(req)
				if err == nil {
					readAll(t, resp)
					t.Fatalf("header %q: %q was sent, want an error", c.k, c.v)
				}
			})
		}
	}
}

// TestEmptyPort: "http://host:/" has an empty port, which net/http takes as 80.
// (Held.)
func TestEmptyPort(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:/graphql", nil)
	if got := hostPort(req); got != "127.0.0.1:80" {
		t.Fatalf("hostPort %q, want %q", got, "127.0.0.1:80")
	}
}

// TestCancelledRequestsLeaveNothingBehind: requests to a server that never answers,
// ended by their context, leave no goroutine and no open connection behind. (Held.)
func TestCancelledRequestsLeaveNothingBehind(t *testing.T) {
	var open atomic.Int64
	s := newRawServer(t, func(n int, c net.Conn, br *bufio.Reader) {
		open.Add(1)
		defer open.Add(-1)
		readRequest(br)
		io.Copy(io.Discard, br) // never answers; ends when the client closes
	})
	tr, _ := newTransport()
	before := runtime.NumGoroutine()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(10+i)*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader("{}"))
			req.GetBody = nil
			if resp, err := tr.RoundTrip(req); err == nil {
				resp.Body.Close()
				t.Error("a response from a server that never answers")
			}
		}()
	}
	wg.Wait()
	for range 200 {
		if open.Load() == 0 && runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d server connections still open, goroutines %d -> %d", open.Load(), before, runtime.NumGoroutine())
}

// TestConcurrentMixedUse: many goroutines share the pool, with bodies read fully,
// closed early, and requests cancelled; every answer must be its own request's (held; run
// with -race).
func TestConcurrentMixedUse(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
		w.Write(b)
		w.Write([]byte(strings.Repeat(".", 10_000)))
	})
	tr, _ := newTransport()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				id := fmt.Sprintf("%d-%d|", g, i)
				path := "/"
				ctx, cancel := context.WithCancel(context.Background())
				if i%7 == 3 {
					path = "/slow"
					ctx, cancel = context.WithTimeout(context.Background(), 5*time.Millisecond)
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, strings.NewReader(id))
				if i%2 == 0 {
					req.GetBody = nil
				}
				resp, err := tr.RoundTrip(req)
				if err != nil {
					cancel()
					if path == "/slow" {
						continue
					}
					t.Errorf("%s: %v", id, err)
					return
				}
				if i%5 == 4 {
					buf := make([]byte, 3)
					resp.Body.Read(buf)
					resp.Body.Close()
					cancel()
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				cancel()
				if err != nil {
					t.Errorf("%s: %v", id, err)
					return
				}
				if !strings.HasPrefix(string(b), id) || len(b) != len(id)+10_000 {
					t.Errorf("%s: got the answer %q", id, b[:min(len(b), 20)])
					return
				}
			}
		}()
	}
	wg.Wait()
	tr.CloseIdleConnections()
}
