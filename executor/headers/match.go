package headers

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// matcher matches header names against a case-insensitive regular expression. Most rules
// are anchored prefixes (^x-tenant-): the prefix is compared first, without the regexp, so
// that a request's other headers cost a few byte comparisons each.
type matcher struct {
	re *regexp.Regexp
	// prefix is a lowercase ASCII literal every match starts with, "" when unknown.
	prefix string
}

// compileMatcher compiles a Matching expression, case-insensitive.
func compileMatcher(expr string) (*matcher, error) {
	if _, err := regexp.Compile(expr); err != nil {
		return nil, fmt.Errorf("invalid regex %q: %s", expr, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	re, err := regexp.Compile("(?i:" + expr + ")")
	if err != nil {
		return nil, err
	}
	return &matcher{re: re, prefix: requiredPrefix(expr)}, nil
}

func (m *matcher) match(name string) bool {
	if len(name) < len(m.prefix) || !asciiEqualFold(name[:len(m.prefix)], m.prefix) {
		return false
	}
	return m.re.MatchString(name)
}

// requiredPrefix returns the literal that every match of expr starts with, lowercased, when
// expr begins with ^ and an ASCII literal; "" otherwise.
func requiredPrefix(expr string) string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return ""
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText || re.Sub[1].Op != syntax.OpLiteral {
		return ""
	}
	lit := string(re.Sub[1].Rune)
	for i := 0; i < len(lit); i++ {
		if lit[i] >= 0x80 {
			return ""
		}
	}
	return strings.ToLower(lit)
}

// asciiEqualFold compares s with lower, an ASCII lowercase string, ignoring ASCII case.
func asciiEqualFold(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
