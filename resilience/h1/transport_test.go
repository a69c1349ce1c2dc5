package h1

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server is a test server that counts the connections it accepted.
type server struct {
	*httptest.Server
	conns atomic.Int64
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	s := &server{}
	s.Server = httptest.NewUnstartedServer(h)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// fallback fails the test when a request reaches it, unless allowed.
type fallback struct{ used atomic.Int64 }

func (f *fallback) RoundTrip(req *http.Request) (*http.Response, error) {
	f.used.Add(1)
	return &http.Response{StatusCode: 299, Body: http.NoBody, Request: req}, nil
}

func newTransport() (*Transport, *fallback) {
	fb := &fallback{}
	return New(Options{Fallback: fb}), fb
}

func post(t *testing.T, tr http.RoundTripper, url, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	resp.Body.Close()
	return resp, string(got)
}

func echo(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	w.Header().Set("X-Type", r.Header.Get("Content-Type"))
	w.Header().Set("X-Path", r.URL.RequestURI())
	w.Write(b)
}

func TestRoundTripsReuseOneConnection(t *testing.T) {
	s := newServer(t, echo)
	tr, fb := newTransport()
	for i := range 5 {
		body := strings.Repeat("x", i*10_000) // up to past the buffers
		resp, got := post(t, tr, s.URL+"/graphql?a=1", body)
		if got != body || resp.Header.Get("X-Type") != "application/json" || resp.Header.Get("X-Path") != "/graphql?a=1" {
			t.Fatalf("request %d: %d bytes back, headers %v", i, len(got), resp.Header)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Fatalf("%d connections for 5 sequential requests, want 1", n)
	}
	if fb.used.Load() != 0 {
		t.Fatal("a plain-HTTP POST went to the fallback")
	}
}

func TestChunkedAndCloseResponses(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/close" {
			w.Header().Set("Connection", "close")
		}
		for range 3 {
			w.Write([]byte("chunk;"))
			w.(http.Flusher).Flush() // no Content-Length: chunked
		}
	})
	tr, _ := newTransport()
	for range 3 {
		if resp, got := post(t, tr, s.URL+"/chunked", "{}"); got != "chunk;chunk;chunk;" || len(resp.TransferEncoding) == 0 {
			t.Fatalf("chunked body %q, transfer encoding %v", got, resp.TransferEncoding)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Fatalf("%d connections for 3 chunked responses, want 1", n)
	}
	post(t, tr, s.URL+"/close", "{}") // on the kept connection, which it closes
	post(t, tr, s.URL+"/close", "{}") // on a new one, closed too
	post(t, tr, s.URL+"/chunked", "{}")
	if n := s.conns.Load(); n != 3 {
		t.Fatalf("%d connections after two Connection: close responses, want 3", n)
	}
}

// TestStaleConnectionsAreNotUsed: the server closes its kept connections (a restart); the
// next requests, one that may be sent again and one that may not, both succeed.
func TestStaleConnectionsAreNotUsed(t *testing.T) {
	s := newServer(t, echo)
	tr, _ := newTransport()
	post(t, tr, s.URL, "warm")
	s.CloseClientConnections()
	time.Sleep(10 * time.Millisecond) // let the FIN arrive

	// Resendable: NewRequest sets GetBody for a strings.Reader.
	if _, got := post(t, tr, s.URL, "again"); got != "again" {
		t.Fatalf("after the server closed the connection: %q", got)
	}
	post(t, tr, s.URL, "warm")
	s.CloseClientConnections()
	time.Sleep(10 * time.Millisecond)
	req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader("once"))
	req.GetBody = nil // a mutation: never sent twice
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("a request that cannot be resent failed on a closed kept connection: %v", err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "once" {
		t.Fatalf("got %q", got)
	}
}

// TestNotResentAfterTheServerReadIt: a server that reads the request and then drops the
// connection without answering may have acted on it; a request without GetBody is not
// sent again.
func TestNotResentAfterTheServerReadIt(t *testing.T) {
	var calls atomic.Int64
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Write([]byte("first"))
			return
		}
		io.ReadAll(r.Body)
		panic(http.ErrAbortHandler) // closes the connection without a response
	})
	tr, _ := newTransport()
	post(t, tr, s.URL, "first")
	req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader("mutation"))
	req.GetBody = nil
	if _, err := tr.RoundTrip(req); err == nil {
		t.Fatal("no error for a dropped connection")
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("the server was called %d times, want 2 (no resend)", n)
	}
}

func TestContextEndsTheExchange(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	tr, _ := newTransport()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, strings.NewReader("{}"))
	if _, err := tr.RoundTrip(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: got %v, want context.DeadlineExceeded", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, s.URL, strings.NewReader("{}"))
	done := make(chan error, 1)
	go func() {
		_, err := tr.RoundTrip(req)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancel: got %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling the context did not end the request")
	}
}

func TestBodyClosedEarlyClosesTheConnection(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("y"), 100_000)) })
	tr, _ := newTransport()
	req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader("{}"))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Read(make([]byte, 10))
	resp.Body.Close()
	if _, got := post(t, tr, s.URL, "{}"); len(got) != 100_000 {
		t.Fatalf("next response: %d bytes", len(got))
	}
	if n := s.conns.Load(); n != 2 {
		t.Fatalf("%d connections, want 2: a half-read connection must not be reused", n)
	}
}

func TestFallbackAndRefusals(t *testing.T) {
	tr, fb := newTransport()
	for _, mk := range []func() *http.Request{
		func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, "https://example.test/", strings.NewReader("{}"))
			return r
		},
		func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, "http://example.test/", io.NopCloser(strings.NewReader("{}")))
			r.ContentLength = -1 // unknown length: chunked, which this transport does not send
			return r
		},
		func() *http.Request { r, _ := http.NewRequest(http.MethodPut, "http://example.test/", nil); return r },
		func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, "http://example.test/", io.NopCloser(strings.NewReader("{}")))
			r.ContentLength = maxBufferedBody + 1 // streamed by net/http, not buffered whole
			return r
		},
	} {
		if _, err := tr.RoundTrip(mk()); err != nil {
			t.Fatal(err)
		}
	}
	if n := fb.used.Load(); n != 4 {
		t.Fatalf("fallback used %d times, want 4", n)
	}
	s := newServer(t, echo)
	req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader("{}"))
	req.Header.Set("X-Evil", "a\r\nInjected: yes")
	if _, err := tr.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "invalid header") {
		t.Fatalf("a header value with CRLF: got %v, want an invalid header error", err)
	}
}

func TestClientTraceHearsOfConnections(t *testing.T) {
	s := newServer(t, echo)
	tr, _ := newTransport()
	var got []string
	trace := &httptrace.ClientTrace{
		GotConn:              func(i httptrace.GotConnInfo) { got = append(got, fmt.Sprintf("conn reused=%v", i.Reused)) },
		WroteRequest:         func(i httptrace.WroteRequestInfo) { got = append(got, fmt.Sprintf("wrote err=%v", i.Err)) },
		GotFirstResponseByte: func() { got = append(got, "first byte") },
	}
	for range 2 {
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodPost, s.URL, strings.NewReader("{}"))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	want := []string{"conn reused=false", "wrote err=<nil>", "first byte", "conn reused=true", "wrote err=<nil>", "first byte"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("trace: %q, want %q", got, want)
	}
}

func TestEmptyBodiesKeepTheConnection(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/204" {
			w.WriteHeader(http.StatusNoContent)
		}
	})
	tr, _ := newTransport()
	for _, path := range []string{"/204", "/empty", "/204"} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader("{}"))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // not read: there is nothing to read
	}
	if n := s.conns.Load(); n != 1 {
		t.Fatalf("%d connections for three empty responses, want 1", n)
	}
}
