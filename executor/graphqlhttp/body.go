package graphqlhttp

import (
	"bufio"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// checkContentType accepts application/json in UTF-8, the one request media type the spec
// requires. application/graphql-response+json is a response type and is refused like any other:
// every extra request type is one more way to smuggle a request past CORS preflight.
func checkContentType(h http.Header) *Error {
	const hint = "send application/json"
	ct := h.Get("Content-Type")
	if ct == "" {
		return errorf(http.StatusUnsupportedMediaType, "request body: missing Content-Type header; %s", hint)
	}
	if ct == "application/json" || ct == "application/json; charset=utf-8" {
		return nil // what clients send, without mime.ParseMediaType's map
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return errorf(http.StatusUnsupportedMediaType, "request body: malformed Content-Type %q: %v; %s", ct, err, hint)
	}
	if mt != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "request body: unsupported Content-Type %q; %s", mt, hint)
	}
	if cs, ok := params["charset"]; ok && !isUTF8(cs) {
		return errorf(http.StatusUnsupportedMediaType, "request body: unsupported charset %q; %s with charset=utf-8", cs, hint)
	}
	return nil
}

func isUTF8(charset string) bool {
	return strings.EqualFold(charset, "utf-8") || strings.EqualFold(charset, "utf8")
}

// contentEncoding returns "", "gzip" or "deflate". Stacked codings ("gzip, deflate") are
// refused: no GraphQL client sends them, and each layer would be another decompressor to bound.
func contentEncoding(h http.Header) (string, *Error) {
	var codings []string
	for _, v := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			if c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	switch {
	case len(codings) == 0:
		return "", nil
	case len(codings) > 1:
		return "", errorf(http.StatusUnsupportedMediaType, "request body: stacked Content-Encoding %q is not supported; use one of gzip, deflate or identity", strings.Join(codings, ", "))
	}
	switch c := codings[0]; c {
	case "gzip", "x-gzip":
		return "gzip", nil
	case "deflate":
		return "deflate", nil
	default:
		return "", errorf(http.StatusUnsupportedMediaType, "request body: unsupported Content-Encoding %q; use gzip, deflate or identity", c)
	}
}

// sizeHint bounds the first allocation for a body: a declared Content-Length is trusted only
// this far, so a client that announces a large body and then stalls does not pin memory.
const sizeHint = 64 << 10

// readBody reads the decoded body. Both the wire bytes and the decoded bytes pass through a
// capReader, so neither side is read beyond limit+1 bytes however well the body compresses.
func readBody(r *http.Request, limit int64) ([]byte, *Error) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	coding, err := contentEncoding(r.Header)
	if err != nil {
		return nil, err
	}
	if r.Body == nil {
		return nil, nil
	}
	wire := &capReader{r: r.Body, limit: limit}
	if coding != "" {
		return decompress(wire, coding, limit)
	}
	body, rerr := readAll(wire, min(r.ContentLength, sizeHint), limit)
	if rerr != nil {
		return nil, readError(wire, limit, rerr)
	}
	return body, nil
}

// decompress reads and decodes a gzip or deflate body from wire.
func decompress(wire *capReader, coding string, limit int64) ([]byte, *Error) {
	// A bufio.Reader is an io.ByteReader, so the decompressor reads through it without a
	// buffer of its own and whatever follows the compressed stream is still there to check.
	br := bufio.NewReader(wire)
	var (
		dec io.ReadCloser
		err error
	)
	if coding == "gzip" {
		dec, err = gzip.NewReader(br)
	} else {
		// HTTP's "deflate" is the zlib format (RFC 9110, section 8.4.1.2), not raw DEFLATE.
		dec, err = zlib.NewReader(br)
	}
	if err != nil {
		return nil, decodeError(wire, limit, coding, err)
	}
	defer dec.Close()
	decoded := &capReader{r: dec, limit: limit}
	body, err := readAll(decoded, 0, limit)
	if decoded.exceeded() {
		return nil, tooLarge(limit)
	}
	if err != nil {
		return nil, decodeError(wire, limit, coding, err)
	}
	// gzip reads concatenated members until EOF and so refuses trailing bytes itself;
	// zlib stops at the end of its stream.
	if _, err := br.ReadByte(); err != io.EOF {
		if err != nil {
			return nil, readError(wire, limit, err)
		}
		return nil, errorf(http.StatusBadRequest, "request body: unexpected data after the %s stream", coding)
	}
	return body, nil
}

// readError explains a failure reading the wire bytes. An *http.MaxBytesError comes from a
// http.MaxBytesReader that a caller put around r.Body with a tighter limit.
func readError(wire *capReader, limit int64, err error) *Error {
	if wire.err != nil {
		err = wire.err
	}
	var mbe *http.MaxBytesError
	switch {
	case wire.exceeded():
		return tooLarge(limit)
	case errors.As(err, &mbe):
		return tooLarge(mbe.Limit)
	}
	return errorf(http.StatusBadRequest, "request body: read failed: %v", err)
}

// decodeError explains a failure in a decompressor, which may come from the wire beneath it.
func decodeError(wire *capReader, limit int64, coding string, err error) *Error {
	if wire.exceeded() || wire.err != nil {
		return readError(wire, limit, err)
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return errorf(http.StatusBadRequest, "request body: invalid %s data: %v", coding, err)
}

func tooLarge(limit int64) *Error {
	return errorf(http.StatusRequestEntityTooLarge, "request body: exceeds the limit of %d bytes", limit)
}

var errTooLarge = errors.New("body exceeds the size limit")

// capReader reads at most limit+1 bytes from r: one byte more than allowed is how it tells a
// body of exactly limit bytes from a larger one. It keeps the first error of r apart from its
// own, so that callers can tell a broken connection from corrupt compressed data.
type capReader struct {
	r     io.Reader
	limit int64
	n     int64
	err   error // from r, other than io.EOF
}

func (c *capReader) exceeded() bool { return c.n > c.limit }

func (c *capReader) Read(p []byte) (int, error) {
	if c.exceeded() {
		return 0, errTooLarge
	}
	if left := c.limit + 1 - c.n; int64(len(p)) > left {
		p = p[:left]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	if c.exceeded() {
		return n, errTooLarge
	}
	return n, err
}

// readAll is io.ReadAll with a first allocation of hint+1 bytes, so that a body of known length
// is read into one buffer, and with growth by doubling up to limit+1 bytes, the most a
// capReader yields: a body at the limit costs about twice the limit in allocations, where
// append's gentler growth for large slices costs five times.
func readAll(r io.Reader, hint, limit int64) ([]byte, error) {
	b := make([]byte, 0, max(hint+1, 512))
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = slices.Grow(b, int(max(min(int64(cap(b)), limit+1-int64(len(b))), 1)))
		}
	}
}
