package policy

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Rule is a compiled policy. It is immutable and safe for concurrent use.
type Rule struct {
	src    string
	root   node
	claims []string // the top-level claims the rule reads
}

// MaxLength bounds the source of one policy.
const MaxLength = 4096

// Compile parses a policy expression. Errors name the column and what was expected.
func Compile(src string) (*Rule, error) {
	if len(src) > MaxLength {
		return nil, fmt.Errorf("the policy is %d bytes long; the limit is %d", len(src), MaxLength)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("column %d: unexpected %q after a complete expression (join conditions with && or ||)", t.pos, t.text)
	}
	return &Rule{src: src, root: root, claims: p.claims}, nil
}

// Claims lists the top-level claims the rule reads, in order of appearance.
func (r *Rule) Claims() []string { return r.claims }

// String returns the source text.
func (r *Rule) String() string { return r.src }

// Allow evaluates the rule over the caller's claims (nil for an anonymous caller: every
// claim is then missing).
func (r *Rule) Allow(claims map[string]any) bool { return truthy(r.root.eval(claims)) }

// node is one element of a compiled expression.
type node interface {
	eval(claims map[string]any) any
}

type (
	orNode    struct{ l, r node }
	andNode   struct{ l, r node }
	notNode   struct{ x node }
	constNode struct{ v any }
	listNode  struct{ items []node }
	claimNode struct{ path []string }
	cmpNode   struct {
		op   string
		l, r node
	}
)

func (n orNode) eval(c map[string]any) any    { return truthy(n.l.eval(c)) || truthy(n.r.eval(c)) }
func (n andNode) eval(c map[string]any) any   { return truthy(n.l.eval(c)) && truthy(n.r.eval(c)) }
func (n notNode) eval(c map[string]any) any   { return !truthy(n.x.eval(c)) }
func (n constNode) eval(map[string]any) any   { return n.v }
func (n cmpNode) eval(c map[string]any) any   { return compare(n.op, n.l.eval(c), n.r.eval(c)) }
func (n claimNode) eval(c map[string]any) any { return lookup(c, n.path) }

func (n listNode) eval(c map[string]any) any {
	out := make([]any, len(n.items))
	for i, it := range n.items {
		out[i] = it.eval(c)
	}
	return out
}

func lookup(claims map[string]any, path []string) any {
	var v any = claims
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return normalize(v)
}

// normalize turns the number types claims may hold into float64.
func normalize(v any) any {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		if err != nil {
			return nil
		}
		return f
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case float32:
		return float64(n)
	}
	return v
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0
	}
	return true
}

func compare(op string, l, r any) bool {
	switch op {
	case "==":
		return equal(l, r)
	case "!=":
		return !equal(l, r)
	case "contains":
		return contains(l, r)
	case "in":
		return contains(r, l)
	}
	a, aok := l.(float64)
	b, bok := r.(float64)
	if !aok || !bok {
		return false
	}
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	default:
		return a >= b
	}
}

func equal(l, r any) bool {
	switch a := l.(type) {
	case nil, string, float64, bool:
		return normalize(r) == a
	}
	return false
}

// contains is list membership, or word membership in a whitespace-separated string.
func contains(container, item any) bool {
	switch c := container.(type) {
	case []any:
		for _, x := range c {
			if equal(normalize(x), item) {
				return true
			}
		}
	case string:
		s, ok := item.(string)
		if !ok {
			return false
		}
		for _, w := range strings.Fields(c) {
			if w == s {
				return true
			}
		}
	}
	return false
}
