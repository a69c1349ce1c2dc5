package executor

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/trellis-gql/trellis/executor/tree"
)

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, as encoding/json does.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while they need no escape: long texts are mostly such runs.
		for i+8 <= len(s) && needsEscape(load64(s, i)) == 0 {
			i += 8
		}
		for i < len(s) && plainByte[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, `\u00`...)
				buf = append(buf, hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\u202`...)
			buf = append(buf, hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

const hex = "0123456789abcdef"

const (
	lsb = 0x0101010101010101 // the lowest bit of each byte of a word
	msb = 0x8080808080808080 // the highest bit of each byte
)

// special has the high bit set in each byte of w (eight bytes of a string) that is a control
// character, '"' or '\\' (and maybe in some bytes after such a byte: it is exact only about
// whether there is one); bytes from 0x80 up are left out.
func special(w uint64) uint64 {
	quote, backslash := w^('"'*lsb), w^('\\'*lsb)
	return ((w - 0x20*lsb) | (quote - lsb) | (backslash - lsb)) &^ w & msb
}

// needsEscape is special, counting bytes from 0x80 up too (UTF-8 to check).
func needsEscape(w uint64) uint64 {
	return special(w) | w&msb
}

// load64 reads s[i:i+8] as a little-endian word (one load, once compiled).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plainByte marks the ASCII bytes a JSON string holds as they are.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendValue appends a value of the response tree (or one decoded from JSON with UseNumber).
func appendValue(buf []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...)
	case string:
		return appendString(buf, v)
	case json.Number:
		return append(buf, v...)
	case bool:
		return strconv.AppendBool(buf, v)
	case *tree.Object:
		buf = append(buf, '{')
		first := true
		for _, f := range v.Fields {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = appendString(buf, f.Key)
			buf = append(buf, ':')
			buf = appendValue(buf, f.Value)
		}
		return append(buf, '}')
	case []any:
		buf = append(buf, '[')
		for i, x := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendValue(buf, x)
		}
		return append(buf, ']')
	}
	b, err := json.Marshal(v)
	if err != nil {
		return append(buf, "null"...)
	}
	return append(buf, b...)
}

// appendAny appends any Go value, as encoding/json would.
func appendAny(buf []byte, v any) ([]byte, error) {
	switch v.(type) {
	case nil, string, json.Number, bool:
		return appendValue(buf, v), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return buf, err
	}
	return append(buf, b...), nil
}

// appendJSON appends v encoded as encoding/json does, but without escaping <, > and &:
// responses are JSON, not HTML.
func appendJSON(buf []byte, v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(buf, "null"...)
	}
	return append(buf, bytes.TrimRight(b.Bytes(), "\n")...)
}

// plainNumbers replaces json.Number values (kept exact while decoding) by int64 or float64,
// the types variable coercion expects: a json.Number would pass as a String.
func plainNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = plainNumbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = plainNumbers(x)
		}
	}
	return v
}

// buffers recycles response buffers: a response is often tens of kilobytes, and allocating
// one per request is a good part of the gateway's garbage.
var buffers sync.Pool

// maxPooledBuffer keeps an occasional huge response from staying in the pool.
const maxPooledBuffer = 1 << 20

func getBuffer(size int) []byte {
	if b, ok := buffers.Get().(*[]byte); ok && cap(*b) >= size {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

func putBuffer(b []byte) {
	if cap(b) <= maxPooledBuffer {
		buffers.Put(&b)
	}
}
