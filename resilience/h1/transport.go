// Package h1 is a lean HTTP/1.1 client transport for plain-HTTP subgraphs. net/http's
// Transport gives every connection a reading and a writing goroutine and hands each request
// between them and the caller over channels; under load that handing over costs as much CPU
// as the request's system calls. Here the caller writes the request and reads the response
// on its own goroutine, over a pool of keep-alive connections, and net/http parses the
// response (http.ReadResponse), so framing (Content-Length, chunked, close) is the standard
// library's.
//
// The client trace of a request's context (httptrace) hears of GotConn, WroteRequest and
// GotFirstResponseByte.
//
// A kept connection is reused only if a peek at its socket finds nothing to read (the
// server neither closed it nor sent anything while it was idle). Response headers are
// bounded by MaxHeaderBytes; a request body is never written past its ContentLength.
//
// Requests it does not handle (https, a body of unknown length, a method other than GET
// and POST, Expect or Upgrade headers) go to the fallback transport.
package h1

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Transport is an http.RoundTripper. Its zero value is not usable: use New.
type Transport struct {
	fallback http.RoundTripper
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	// MaxIdlePerHost bounds the idle connections kept per host:port.
	maxIdlePerHost int
	idleTimeout    time.Duration

	mu   sync.Mutex
	idle map[string][]*conn // by host:port, most recently used last
}

// Options configure a Transport.
type Options struct {
	// Fallback sends what Transport does not handle (required).
	Fallback http.RoundTripper
	// DialTimeout bounds connecting (default 5 s).
	DialTimeout time.Duration
	// MaxIdlePerHost bounds the idle connections kept per host:port (default 256).
	MaxIdlePerHost int
	// IdleTimeout closes a connection idle for longer instead of reusing it (default 90 s).
	IdleTimeout time.Duration
}

// New returns a transport.
func New(o Options) *Transport {
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.MaxIdlePerHost <= 0 {
		o.MaxIdlePerHost = 256
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 90 * time.Second
	}
	d := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}
	return &Transport{fallback: o.Fallback, dial: d.DialContext, maxIdlePerHost: o.MaxIdlePerHost,
		idleTimeout: o.IdleTimeout, idle: map[string][]*conn{}}
}

// bufferSize is the size of each connection's read buffer: a response's head usually fits,
// and a larger body is read straight into the caller's buffer. Requests are written from
// pooled buffers instead of one per connection: a gateway keeps hundreds of connections,
// and only those writing at the moment need one.
const bufferSize = 8 << 10

// requests holds buffers for writing requests; one of more than maxPooledRequest bytes is
// left to the collector.
var requests sync.Pool

const maxPooledRequest = 256 << 10

// maxBufferedBody is the largest request body Transport sends itself.
const maxBufferedBody = 8 << 20

type conn struct {
	nc       net.Conn
	broken   bool           // writing the request failed: never kept
	limit    *limitedReader // under br
	br       *bufio.Reader
	addr     string
	lastUsed time.Time
}

// handles reports whether the request is one Transport sends itself.
func handles(req *http.Request) bool {
	if req.URL == nil || req.URL.Scheme != "http" || req.URL.Host == "" {
		return false
	}
	if req.Method != http.MethodPost && req.Method != http.MethodGet {
		return false
	}
	// A body with a Content-Length of 0 or less is one of unknown length to net/http. A
	// large one is streamed by net/http rather than written from one buffer.
	if req.Body != nil && req.Body != http.NoBody && (req.ContentLength <= 0 || req.ContentLength > maxBufferedBody) {
		return false
	}
	if req.Header.Get("Expect") != "" || req.Header.Get("Upgrade") != "" || req.Close {
		return false
	}
	return true
}

// RoundTrip sends req. A request sent on a kept connection that the server had closed in
// the meantime (the response ends before its first byte) is sent again once on a new
// connection, if its body can be sent again (GetBody) or it has none.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !handles(req) {
		return t.fallback.RoundTrip(req)
	}
	addr := hostPort(req)
	for attempt := 0; ; attempt++ {
		c, reused, err := t.get(req.Context(), addr)
		if err != nil {
			closeBody(req)
			return nil, err
		}
		trace := httptrace.ContextClientTrace(req.Context())
		if trace != nil && trace.GotConn != nil {
			info := httptrace.GotConnInfo{Conn: c.nc, Reused: reused, WasIdle: reused}
			if reused {
				info.IdleTime = time.Since(c.lastUsed)
			}
			trace.GotConn(info)
		}
		resp, err := t.exchange(c, req)
		if err == nil {
			return resp, nil
		}
		c.nc.Close()
		var stale staleError
		if attempt == 0 && reused && errors.As(err, &stale) && req.Context().Err() == nil && resendable(req) {
			// The server closed a kept connection: it may have closed the others too (it
			// restarted), so they go, and the request goes on a new one.
			t.closeIdle(addr)
			if req.Body == nil || req.Body == http.NoBody {
				continue
			}
			if body, gerr := req.GetBody(); gerr == nil {
				req = req.Clone(req.Context())
				req.Body = body
				continue
			}
		}
		closeBody(req)
		return nil, err
	}
}

// resendable reports whether req can be sent a second time: it has no body, or GetBody.
func resendable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// staleError is a failure before the response's first byte on a kept connection.
type staleError struct{ err error }

func (e staleError) Error() string { return e.err.Error() }
func (e staleError) Unwrap() error { return e.err }

func hostPort(req *http.Request) string {
	host := req.URL.Host
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(req.URL.Hostname(), "80")
	}
	return host
}

// exchange writes req on c and reads the response. The context's deadline bounds both, and
// cancelling it interrupts them.
func (t *Transport) exchange(c *conn, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	deadline, _ := ctx.Deadline()
	if err := c.nc.SetDeadline(deadline); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) })
	resp, err := t.send(c, req)
	if err != nil {
		stop()
		return nil, ctxErr(ctx, err)
	}
	// An empty body (Content-Length: 0, 204, 304) is read to its end already.
	resp.Body = &body{ReadCloser: resp.Body, t: t, c: c, stop: stop, keep: !resp.Close && !c.broken, ctx: ctx, eof: resp.ContentLength == 0}
	return resp, nil
}

// ctxErr is err, or the context's error when the context ended it. The connection's
// deadline is the context's, and its timeout may come a moment before the context's own
// timer: then it waits for that timer (the deadline has passed, so it fires at once), so
// that a caller who checks ctx.Err() after the error finds the context ended too.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var ne net.Error
	if d, ok := ctx.Deadline(); ok && errors.As(err, &ne) && ne.Timeout() && !time.Now().Before(d) {
		<-ctx.Done()
		return ctx.Err()
	}
	return err
}

func (t *Transport) send(c *conn, req *http.Request) (*http.Response, error) {
	trace := httptrace.ContextClientTrace(req.Context())
	err := writeRequest(c.nc, req)
	if trace != nil && trace.WroteRequest != nil {
		trace.WroteRequest(httptrace.WroteRequestInfo{Err: err})
	}
	var writeErr *net.OpError
	if err != nil && !errors.As(err, &writeErr) {
		return nil, err // the request was refused before it was sent
	}
	if _, perr := c.br.Peek(1); perr != nil {
		if err != nil {
			return nil, staleError{err} // nothing came back: on a kept connection, stale
		}
		return nil, staleError{perr}
	}
	if err != nil {
		// The server answered before it read the whole request (a 413, say): the answer
		// counts, as with net/http, and the connection is not kept.
		c.broken = true
	}
	if trace != nil && trace.GotFirstResponseByte != nil {
		trace.GotFirstResponseByte()
	}
	// The headers, informational responses' included, may take MaxHeaderBytes more from
	// the connection in all.
	c.limit.left = MaxHeaderBytes
	defer func() { c.limit.left = -1 }()
	for {
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			if c.limit.left == 0 {
				return nil, fmt.Errorf("h1: response headers larger than %d bytes", MaxHeaderBytes)
			}
			return nil, err
		}
		switch {
		case resp.StatusCode == http.StatusSwitchingProtocols:
			// Returned as net/http does, but what follows on the connection is another
			// protocol: it is never kept.
			resp.Close = true
		case resp.StatusCode >= 100 && resp.StatusCode < 200:
			// An informational response (100 Continue, 103 Early Hints) comes before the
			// real one.
			resp.Body.Close()
			continue
		}
		return resp, nil
	}
}

// MaxHeaderBytes bounds the response headers (net/http's Transport allows 10 MiB).
const MaxHeaderBytes = 1 << 20

// limitedReader reads from a connection; while left is 0 or more it reads at most left
// bytes in all, then reports the end of input.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return l.r.Read(p)
	}
	if l.left == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// writeRequest writes req (its body of known length included) to w in one write.
func writeRequest(w io.Writer, req *http.Request) error {
	uri := req.URL.RequestURI()
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if !validURI(uri) {
		return fmt.Errorf("h1: invalid request URI %q", uri)
	}
	if !httpguts.ValidHostHeader(host) {
		return fmt.Errorf("h1: invalid Host %q", host)
	}
	bp, _ := requests.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer func() {
		if cap(*bp) <= maxPooledRequest {
			requests.Put(bp)
		}
	}()
	b, err := appendRequest((*bp)[:0], req, uri, host)
	*bp = b
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// appendRequest appends req's head and body to b.
func appendRequest(b []byte, req *http.Request, uri, host string) ([]byte, error) {
	b = append(b, req.Method...)
	b = append(b, ' ')
	b = append(b, uri...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	if req.Body != nil && req.Body != http.NoBody || req.Method == http.MethodPost {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, req.ContentLength, 10)
		b = append(b, "\r\n"...)
	}
	if req.Header.Get("User-Agent") == "" {
		b = append(b, "User-Agent: trellis\r\n"...)
	}
	for k, vs := range req.Header {
		if skipHeader[k] {
			continue
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldName(k) || !httpguts.ValidHeaderFieldValue(v) {
				return b, errors.New("h1: invalid header " + strconv.Quote(k))
			}
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, v...)
			b = append(b, "\r\n"...)
		}
	}
	b = append(b, "\r\n"...)
	if req.Body == nil || req.Body == http.NoBody {
		return b, nil
	}
	defer req.Body.Close()
	// Never more than Content-Length says: bytes past it would be read as another request.
	head := len(b)
	b = slices.Grow(b, int(req.ContentLength))[:head+int(req.ContentLength)]
	n, err := io.ReadFull(req.Body, b[head:])
	if err != nil {
		return b, fmt.Errorf("h1: request body shorter than its ContentLength (%d of %d bytes): %w", n, req.ContentLength, err)
	}
	var extra [1]byte
	if m, _ := io.ReadFull(req.Body, extra[:]); m > 0 {
		return b, errors.New("h1: request body longer than its ContentLength")
	}
	return b, nil
}

// validURI refuses a request target with spaces or control characters, which would break
// the request line.
func validURI(uri string) bool {
	for i := 0; i < len(uri); i++ {
		if c := uri[i]; c <= ' ' || c == 0x7f {
			return false
		}
	}
	return uri != ""
}

// skipHeader are the headers writeRequest writes itself, or that must not be sent from
// Header (framing is decided here).
var skipHeader = map[string]bool{"Host": true, "Content-Length": true, "Transfer-Encoding": true,
	"Connection": true, "Trailer": true}

// body returns the connection to the pool once the response body has been read to its end
// and closed; a body closed early closes the connection.
type body struct {
	io.ReadCloser
	t    *Transport
	c    *conn
	stop func() bool
	ctx  context.Context
	keep bool
	eof  bool
	done bool
}

func (b *body) Read(p []byte) (int, error) {
	if b.done {
		return 0, errors.New("h1: read on a closed response body")
	}
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof = true
	} else if err != nil {
		err = ctxErr(b.ctx, err)
	}
	return n, err
}

func (b *body) Close() error {
	if b.done {
		return nil
	}
	b.done = true
	b.ReadCloser.Close()
	interrupted := !b.stop() // the context ended: the deadline may be broken
	if b.eof && b.keep && !interrupted && b.c.br.Buffered() == 0 && b.c.nc.SetDeadline(time.Time{}) == nil {
		b.t.put(b.c)
		return nil
	}
	return b.c.nc.Close()
}

// get returns a kept connection to addr, or a new one. A kept connection is first checked
// to be open and silent (a peek at the socket that must find nothing to read): a server that
// closed it, or sent on it while it was idle (a response nobody asked for, which would
// otherwise answer the next request), has it closed instead.
func (t *Transport) get(ctx context.Context, addr string) (*conn, bool, error) {
	now := time.Now()
	t.mu.Lock()
	for {
		list := t.idle[addr]
		if len(list) == 0 {
			break
		}
		c := list[len(list)-1]
		list[len(list)-1] = nil
		t.idle[addr] = list[:len(list)-1]
		if now.Sub(c.lastUsed) > t.idleTimeout {
			c.nc.Close()
			continue
		}
		t.mu.Unlock()
		if !c.open() {
			c.nc.Close()
			t.mu.Lock()
			continue
		}
		return c, true, nil
	}
	t.mu.Unlock()
	nc, err := t.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, false, err
	}
	limit := &limitedReader{r: nc, left: -1}
	return &conn{nc: nc, limit: limit, br: bufio.NewReaderSize(limit, bufferSize), addr: addr}, false, nil
}

// open reports whether the server has neither closed c nor sent anything on it: a peek at
// the socket that must find nothing to read yet. (A read with a deadline already past
// would not reach the socket.)
func (c *conn) open() bool {
	if c.br.Buffered() > 0 {
		return false
	}
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	alive := false
	err = raw.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		alive = rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK
		return true // done: never wait for the socket
	})
	return err == nil && alive
}

func (t *Transport) closeIdle(addr string) {
	t.mu.Lock()
	list := t.idle[addr]
	delete(t.idle, addr)
	t.mu.Unlock()
	for _, c := range list {
		c.nc.Close()
	}
}

func (t *Transport) put(c *conn) {
	c.lastUsed = time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.idle[c.addr]) >= t.maxIdlePerHost {
		c.nc.Close()
		return
	}
	t.idle[c.addr] = append(t.idle[c.addr], c)
}

// CloseIdleConnections closes the kept connections, and the fallback's.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = map[string][]*conn{}
	t.mu.Unlock()
	for _, list := range idle {
		for _, c := range list {
			c.nc.Close()
		}
	}
	if ci, ok := t.fallback.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
