package policy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokName
	tokString
	tokNumber
	tokPunct // ( ) [ ] . , ! && || == != < <= > >=
)

type token struct {
	kind tokenKind
	text string // the name, the punctuation, or the unquoted string
	num  float64
	pos  int // 1-based column
}

// lex splits an expression into tokens.
func lex(src string) ([]token, error) {
	var out []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			end, s, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			out = append(out, token{kind: tokString, text: s, pos: i + 1})
			i = end
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E') {
				j++
			}
			n, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil {
				return nil, fmt.Errorf("column %d: %q is not a number", i+1, src[i:j])
			}
			out = append(out, token{kind: tokNumber, num: n, text: src[i:j], pos: i + 1})
			i = j
		case c == '_' || unicode.IsLetter(rune(c)):
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] == '-' || unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j]))) {
				j++
			}
			out = append(out, token{kind: tokName, text: src[i:j], pos: i + 1})
			i = j
		default:
			p := punct(src[i:])
			if p == "" {
				return nil, fmt.Errorf("column %d: unexpected %q", i+1, string(c))
			}
			out = append(out, token{kind: tokPunct, text: p, pos: i + 1})
			i += len(p)
		}
	}
	return append(out, token{kind: tokEOF, pos: len(src) + 1}), nil
}

func punct(s string) string {
	for _, p := range []string{"&&", "||", "==", "!=", "<=", ">=", "(", ")", "[", "]", ".", ",", "!", "<", ">"} {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

// lexString reads the quoted string starting at src[i].
func lexString(src string, i int) (end int, s string, err error) {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			s, err := strconv.Unquote(src[i : j+1])
			if err != nil {
				return 0, "", fmt.Errorf("column %d: invalid string %s", i+1, src[i:j+1])
			}
			return j + 1, s, nil
		}
	}
	return 0, "", fmt.Errorf("column %d: string not closed: add a closing \"", i+1)
}
