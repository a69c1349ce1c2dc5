package executor

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestSpecialWord checks the eight-bytes-at-a-time scan against the byte table: every byte
// value at every position of a word of plain bytes, and random words.
func TestSpecialWord(t *testing.T) {
	check := func(w [8]byte) {
		var want, wantEscape bool
		for _, c := range w {
			want = want || !plainByte[c] && c < utf8.RuneSelf
			wantEscape = wantEscape || !plainByte[c]
		}
		s := string(w[:])
		if got := special(load64(s, 0)) != 0; got != want {
			t.Fatalf("special(%q) = %v, want %v", s, got, want)
		}
		if got := needsEscape(load64(s, 0)) != 0; got != wantEscape {
			t.Fatalf("needsEscape(%q) = %v, want %v", s, got, wantEscape)
		}
	}
	for pos := range 8 {
		for c := range 256 {
			w := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
			w[pos] = byte(c)
			check(w)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var w [8]byte
		for i := range w {
			w[i] = byte(r.IntN(256))
		}
		check(w)
	}
}

// TestAppendStringMatchesEncodingJSON compares appendString with encoding/json (HTML
// escaping off) on strings of random lengths, mostly plain with a few bytes of every kind.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	odd := []string{"\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "日本", "\u2028", "\u2029", "\xff", "\xe2\x80", "😀"}
	for range 20_000 {
		var b []byte
		for range r.IntN(40) {
			if r.IntN(6) == 0 {
				b = append(b, odd[r.IntN(len(odd))]...)
			} else {
				b = append(b, byte(' '+r.IntN(95)))
			}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(string(b)); err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, string(b)); !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("appendString(%q) = %s, want %s", b, got, want.Bytes())
		}
	}
}

const benchText = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."

// BenchmarkAppendString escapes a review body of the benchmark query.
func BenchmarkAppendString(b *testing.B) {
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendString(buf[:0], benchText)
	}
}

// BenchmarkDecodeString decodes the same text as a JSON string.
func BenchmarkDecodeString(b *testing.B) {
	raw := appendString(nil, benchText)
	b.ReportAllocs()
	for b.Loop() {
		d := decoder{raw: raw}
		if _, err := d.string(); err != nil {
			b.Fatal(err)
		}
	}
}
