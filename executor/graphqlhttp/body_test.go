package graphqlhttp_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

const small = `{"query":"{a}"}`

// padded returns a valid request body of exactly n bytes.
func padded(t testing.TB, n int) string {
	t.Helper()
	const head, tail = `{"query":"{a}","pad":"`, `"}`
	if n < len(head)+len(tail) {
		t.Fatalf("padded(%d): too short", n)
	}
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

func TestParseBody(t *testing.T) {
	want := &graphqlhttp.Request{Query: "{a}", Method: http.MethodPost}
	const limit = 100
	lim := graphqlhttp.Config{MaxBodyBytes: limit}
	gz := gzipped(t, small)
	zl := zlibbed(t, small)
	var rawDeflate bytes.Buffer
	fw, _ := flate.NewWriter(&rawDeflate, flate.DefaultCompression)
	io.WriteString(fw, small)
	fw.Close()
	twoMembers := append(gzipped(t, `{"query":`), gzipped(t, `"{a}"}`)...)

	ct := []string{"Content-Type", "application/json"}
	with := func(enc string) []string { return append(ct, "Content-Encoding", enc) }

	runParseCases(t, []parseCase{
		{name: "gzip", req: postBytes(gz, with("gzip")...), want: want},
		{name: "x-gzip", req: postBytes(gz, with("x-gzip")...), want: want},
		{name: "coding is case-insensitive", req: postBytes(gz, with(" GZIP ")...), want: want},
		{name: "gzip after identity", req: postBytes(gz, with("identity, gzip")...), want: want},
		{name: "gzip members concatenated", req: postBytes(twoMembers, with("gzip")...), want: want},
		{name: "deflate is zlib", req: postBytes(zl, with("deflate")...), want: want},
		{name: "identity", req: post(small, with("identity")...), want: want},
		{name: "exactly the limit", req: postJSON(padded(t, limit)), cfg: lim, want: want},
		{name: "exactly the limit, unknown length", req: streamed(postJSON(padded(t, limit))), cfg: lim, want: want},
		{name: "exactly the limit after gzip", req: postBytes(gzipped(t, padded(t, limit)), with("gzip")...), cfg: lim, want: want},
		{name: "exactly the limit after deflate", req: postBytes(zlibbed(t, padded(t, limit)), with("deflate")...), cfg: lim, want: want},
		{name: "zero config means default limit", req: postJSON(padded(t, 2<<20)), want: want},

		{name: "declared length over the limit", req: postJSON(padded(t, limit+1)), cfg: lim, wantErr: tooLarge(limit)},
		{name: "one byte over the limit, unknown length", req: streamed(postJSON(padded(t, limit+1))), cfg: lim, wantErr: tooLarge(limit)},
		{name: "length understated", req: func() *http.Request { r := postJSON(padded(t, limit+1)); r.ContentLength = 10; return r }(), cfg: lim, wantErr: tooLarge(limit)},
		{name: "over the limit after gzip", req: postBytes(gzipped(t, padded(t, limit+1)), with("gzip")...), cfg: lim, wantErr: tooLarge(limit)},
		{name: "over the limit after deflate", req: postBytes(zlibbed(t, padded(t, limit+1)), with("deflate")...), cfg: lim, wantErr: tooLarge(limit)},
		{name: "over the default limit", req: streamed(postJSON(padded(t, 2<<20+1))), wantErr: tooLarge(2 << 20)},
		{name: "compressed bytes over the limit", req: streamed(postBytes(bytes.Repeat(gzipped(t, ""), 10), with("gzip")...)), cfg: lim, wantErr: tooLarge(limit)},
		{name: "tighter http.MaxBytesReader", req: func() *http.Request {
			r := streamed(postJSON(padded(t, 50)))
			r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 40)
			return r
		}(), cfg: lim, wantErr: tooLarge(40)},

		{name: "brotli", req: postBytes(gz, with("br")...), wantErr: unsupported(`request body: unsupported Content-Encoding "br"; use gzip, deflate or identity`)},
		{name: "compress", req: postBytes(gz, with("compress")...), wantErr: unsupported(`request body: unsupported Content-Encoding "compress"; use gzip, deflate or identity`)},
		{name: "stacked codings", req: postBytes(gz, with("gzip, deflate")...), wantErr: unsupported(`request body: stacked Content-Encoding "gzip, deflate" is not supported; use one of gzip, deflate or identity`)},
		{name: "stacked over two header lines", req: postBytes(gz, append(with("gzip"), "Content-Encoding", "gzip")...), wantErr: unsupported(`request body: stacked Content-Encoding "gzip, gzip" is not supported; use one of gzip, deflate or identity`)},
		{name: "Content-Type checked before encoding", req: postBytes(gz, "Content-Encoding", "br"), wantErr: unsupported("request body: missing Content-Type header; send application/json")},

		{name: "plain JSON labelled gzip", req: post(small, with("gzip")...), wantErr: bad("request body: invalid gzip data: gzip: invalid header")},
		{name: "empty gzip body", req: post("", with("gzip")...), wantErr: bad("request body: invalid gzip data: unexpected EOF")},
		{name: "truncated gzip", req: postBytes(gz[:len(gz)-4], with("gzip")...), wantErr: bad("request body: invalid gzip data: unexpected EOF")},
		{name: "gzip checksum mismatch", req: postBytes(func() []byte { b := bytes.Clone(gz); b[len(b)-8] ^= 1; return b }(), with("gzip")...), wantErr: bad("request body: invalid gzip data: gzip: invalid checksum")},
		{name: "gzip with trailing garbage", req: postBytes(append(bytes.Clone(gz), "garbage..."...), with("gzip")...), wantErr: bad("request body: invalid gzip data: gzip: invalid header")},
		{name: "raw DEFLATE labelled deflate", req: postBytes(rawDeflate.Bytes(), with("deflate")...), wantErr: bad("request body: invalid deflate data: zlib: invalid header")},
		{name: "truncated deflate", req: postBytes(zl[:len(zl)-2], with("deflate")...), wantErr: bad("request body: invalid deflate data: unexpected EOF")},
		{name: "deflate with trailing garbage", req: postBytes(append(bytes.Clone(zl), 'x'), with("deflate")...), wantErr: bad("request body: unexpected data after the deflate stream")},
		{name: "gzip of an empty body", req: postBytes(gzipped(t, ""), with("gzip")...), wantErr: bad("request body: empty; expected a JSON object")},
		{name: "gzip of bad JSON", req: postBytes(gzipped(t, `{"query":`), with("gzip")...), wantErr: bad("request body: malformed JSON at byte 9: unexpected end of JSON input")},

		{name: "read failure", req: func() *http.Request {
			r := streamed(postJSON(""))
			r.Body = io.NopCloser(io.MultiReader(strings.NewReader(`{"query"`), failingReader{errors.New("connection reset")}))
			return r
		}(), wantErr: bad("request body: read failed: connection reset")},
		{name: "read failure under gzip", req: func() *http.Request {
			r := streamed(post("", with("gzip")...))
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(gz[:12]), failingReader{errors.New("connection reset")}))
			return r
		}(), wantErr: bad("request body: read failed: connection reset")},
	})
}

// TestParseReadsAtMostLimitPlusOne feeds an endless body and checks that Parse stops one byte
// past the limit.
func TestParseReadsAtMostLimitPlusOne(t *testing.T) {
	const limit = 1000
	body := &countingReader{r: zeros{}}
	r := streamed(postJSON(""))
	r.Body = io.NopCloser(body)
	_, err := graphqlhttp.Parse(r, graphqlhttp.Config{MaxBodyBytes: limit})
	var e *graphqlhttp.Error
	if !errors.As(err, &e) || *e != *tooLarge(limit) {
		t.Fatalf("Parse() error = %v; want %v", err, tooLarge(limit))
	}
	if body.n > limit+1 {
		t.Errorf("read %d bytes of body; want at most %d", body.n, limit+1)
	}
}

// bomb compresses size zero bytes into one gzip or zlib stream (about 1000:1).
func bomb(t *testing.T, coding string, size int) []byte {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	if coding == "gzip" {
		w, _ = gzip.NewWriterLevel(&b, gzip.BestCompression)
	} else {
		w, _ = zlib.NewWriterLevel(&b, zlib.BestCompression)
	}
	chunk := make([]byte, 1<<20)
	for n := 0; n < size; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestParseDecompressionBomb sends 100 MiB of zeros compressed to about 100 KiB: below the
// limit on the wire, far above it decoded. Parse must answer 413 having read only the start of
// the stream, and without allocating anything near the decoded size.
func TestParseDecompressionBomb(t *testing.T) {
	const decoded = 100 << 20
	for _, coding := range []string{"gzip", "deflate"} {
		t.Run(coding, func(t *testing.T) {
			payload := bomb(t, coding, decoded)
			if len(payload) >= 2<<20 {
				t.Fatalf("bomb is %d bytes compressed; it must fit under the limit to test decoding", len(payload))
			}
			wire := &countingReader{r: bytes.NewReader(payload)}
			r := postBytes(nil, "Content-Type", "application/json", "Content-Encoding", coding)
			r.Body = io.NopCloser(wire)
			r.ContentLength = int64(len(payload))

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := graphqlhttp.Parse(r, graphqlhttp.DefaultConfig())
			runtime.ReadMemStats(&after)

			var e *graphqlhttp.Error
			if !errors.As(err, &e) || *e != *tooLarge(2 << 20) {
				t.Fatalf("Parse() error = %v; want %v", err, tooLarge(2<<20))
			}
			t.Logf("read %d of %d compressed bytes, allocated %d KiB", wire.n, len(payload), (after.TotalAlloc-before.TotalAlloc)>>10)
			if wire.n >= int64(len(payload))/2 {
				t.Errorf("read %d of %d compressed bytes; decoding should stop near the limit", wire.n, len(payload))
			}
			// Loose: the body buffer doubles up to 2 MiB+1 (about 4 MiB in all), plus decompressor state.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("allocated %d MiB decoding the bomb; want well under the %d MiB it expands to", alloc>>20, decoded>>20)
			}
		})
	}
}
