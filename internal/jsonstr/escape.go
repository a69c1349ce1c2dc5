// Package jsonstr decodes the escapes of JSON strings as encoding/json does, for the
// hand-written decoders of subgraph responses (executor) and client requests
// (executor/graphqlhttp).
package jsonstr

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Escape decodes the escape at the start of src (src[0] is the backslash) and appends what
// it stands for to dst. n is the bytes of src it read, 0 when the escape is invalid or cut
// short. Like encoding/json, it joins a \u escape of half a surrogate pair with a \u escape
// of the other half right after it, and decodes a half without its other half as U+FFFD
// (leaving what follows it to be read next).
func Escape(dst, src []byte) (out []byte, n int) {
	if len(src) < 2 {
		return dst, 0
	}
	switch c := src[1]; c {
	case '"', '\\', '/':
		return append(dst, c), 2
	case 'b':
		return append(dst, '\b'), 2
	case 'f':
		return append(dst, '\f'), 2
	case 'n':
		return append(dst, '\n'), 2
	case 'r':
		return append(dst, '\r'), 2
	case 't':
		return append(dst, '\t'), 2
	case 'u':
	default:
		return dst, 0
	}
	r, ok := hex4(src[2:])
	if !ok {
		return dst, 0
	}
	n = 6
	if utf16.IsSurrogate(r) {
		high := r
		r = utf8.RuneError
		if len(src) >= 12 && src[6] == '\\' && src[7] == 'u' {
			if low, ok := hex4(src[8:]); ok {
				if pair := utf16.DecodeRune(high, low); pair != utf8.RuneError {
					r, n = pair, 12
				}
			}
		}
	}
	return utf8.AppendRune(dst, r), n
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
