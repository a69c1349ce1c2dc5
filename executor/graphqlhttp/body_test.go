package graphqlhttp_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
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

// bomb returns a gzip or zlib stream that decodes to mib MiB of zeros at about 1000:1. Rather
// than compress all of it, which takes seconds under -race, it compresses 1 MiB once, flushed
// so that the segment ends on a byte boundary, and repeats the segment: a segment of zeros that
// only refers back to zeros decodes the same wherever it stands.
func bomb(t testing.TB, coding string, mib int) []byte {
	t.Helper()
	chunk := make([]byte, 1<<20)
	var seg bytes.Buffer
	fw, err := flate.NewWriter(&seg, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(chunk); err != nil {
		t.Fatal(err)
	}
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	crc := crc32.NewIEEE() // in assembly, so fast even under -race
	for range mib {
		crc.Write(chunk)
	}
	size := uint32(mib << 20)
	// Adler-32 of n zero bytes in closed form: its sum A stays 1 and its sum B adds A per byte.
	adler := (size%65521)<<16 | 1

	var b bytes.Buffer
	if coding == "gzip" {
		b.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}) // RFC 1952 header: deflate, no flags
	} else {
		b.Write([]byte{0x78, 0xda}) // RFC 1950 header: deflate, 32 KiB window, best compression
	}
	for range mib {
		b.Write(seg.Bytes())
	}
	b.Write([]byte{0x03, 0x00}) // a final, empty block with fixed codes
	if coding == "gzip" {
		b.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
		b.Write(binary.LittleEndian.AppendUint32(nil, size))
	} else {
		b.Write(binary.BigEndian.AppendUint32(nil, adler))
	}
	return b.Bytes()
}

// TestBomb checks the bomb builder on a small bomb, which must decode in full.
func TestBomb(t *testing.T) {
	for _, coding := range []string{"gzip", "deflate"} {
		var dec io.Reader
		var err error
		if coding == "gzip" {
			dec, err = gzip.NewReader(bytes.NewReader(bomb(t, coding, 3)))
		} else {
			dec, err = zlib.NewReader(bytes.NewReader(bomb(t, coding, 3)))
		}
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, dec)
		if err != nil || n != 3<<20 {
			t.Fatalf("%s bomb decodes to %d bytes, %v; want %d bytes", coding, n, err, 3<<20)
		}
	}
}

// TestParseDecompressionBomb sends 100 MiB of zeros compressed to about 100 KiB: below the
// limit on the wire, far above it decoded. Parse must answer 413 having read only the start of
// the stream, and without allocating anything near the decoded size.
func TestParseDecompressionBomb(t *testing.T) {
	const mib = 100
	for _, coding := range []string{"gzip", "deflate"} {
		t.Run(coding, func(t *testing.T) {
			payload := bomb(t, coding, mib)
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
				t.Errorf("allocated %d MiB decoding the bomb; want well under the %d MiB it expands to", alloc>>20, mib)
			}
		})
	}
}
