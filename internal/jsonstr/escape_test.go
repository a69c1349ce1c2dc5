package jsonstr

import (
	"encoding/json"
	"testing"
)

// TestEscapeAsEncodingJSON: every escape decodes to what encoding/json makes of it, in a
// string where text follows it, and invalid or cut-short escapes read nothing.
func TestEscapeAsEncodingJSON(t *testing.T) {
	for _, esc := range []string{
		`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0041`, `\u00e9`, `\u20AC`,
		`\ud83d\ude00`, `\uD83D\uDE00`, // a pair
		`\ud800`, `\udc00`, `\ud800\u0041`, `\ud800\ud800\udc00`, `\ud800x`, // halves alone
	} {
		var want string
		if err := json.Unmarshal([]byte(`"`+esc+`"`), &want); err != nil {
			t.Fatal(err)
		}
		var got []byte
		for src := []byte(esc); len(src) > 0; {
			if src[0] != '\\' {
				got, src = append(got, src[0]), src[1:]
				continue
			}
			var n int
			if got, n = Escape(got, src); n == 0 {
				t.Fatalf("%s: stopped at %q", esc, src)
			}
			src = src[n:]
		}
		if string(got) != want {
			t.Errorf("%s: %q, want %q", esc, got, want)
		}
	}
	for _, bad := range []string{`\`, `\x`, `\u`, `\u12`, `\u12g4`, `\U0041`} {
		if out, n := Escape([]byte("a"), []byte(bad)); n != 0 || string(out) != "a" {
			t.Errorf("%s: read %d bytes, wrote %q", bad, n, out)
		}
	}
}
