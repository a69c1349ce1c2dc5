package policy

import (
	"fmt"
	"slices"
)

// maxNesting bounds parentheses and ! so that a hostile policy cannot exhaust the stack.
const maxNesting = 64

type parser struct {
	toks   []token
	i      int
	claims []string
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) accept(punct string) bool {
	if t := p.peek(); t.kind == tokPunct && t.text == punct {
		p.i++
		return true
	}
	return false
}

func (p *parser) expr(depth int) (node, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("column %d: nested more than %d levels deep", p.peek().pos, maxNesting)
	}
	l, err := p.and(depth)
	for err == nil && p.accept("||") {
		var r node
		if r, err = p.and(depth); err == nil {
			l = orNode{l, r}
		}
	}
	return l, err
}

func (p *parser) and(depth int) (node, error) {
	l, err := p.unary(depth)
	for err == nil && p.accept("&&") {
		var r node
		if r, err = p.unary(depth); err == nil {
			l = andNode{l, r}
		}
	}
	return l, err
}

func (p *parser) unary(depth int) (node, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("column %d: nested more than %d levels deep", p.peek().pos, maxNesting)
	}
	if p.accept("!") {
		x, err := p.unary(depth + 1)
		return notNode{x}, err
	}
	if p.accept("(") {
		x, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if t := p.peek(); !p.accept(")") {
			return nil, fmt.Errorf("column %d: expected ) to close the parenthesis", t.pos)
		}
		return x, nil
	}
	return p.comparison(depth)
}

var comparisons = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func (p *parser) comparison(depth int) (node, error) {
	l, err := p.operand(depth)
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tokPunct && comparisons[t.text] || t.kind == tokName && (t.text == "contains" || t.text == "in") {
		p.next()
		r, err := p.operand(depth)
		if err != nil {
			return nil, err
		}
		return cmpNode{op: t.text, l: l, r: r}, nil
	}
	return l, nil
}

func (p *parser) operand(depth int) (node, error) {
	t := p.next()
	switch {
	case t.kind == tokString:
		return constNode{t.text}, nil
	case t.kind == tokNumber:
		return constNode{t.num}, nil
	case t.kind == tokName && t.text == "true", t.kind == tokName && t.text == "false":
		return constNode{t.text == "true"}, nil
	case t.kind == tokName && t.text == "null":
		return constNode{nil}, nil
	case t.kind == tokName && t.text == "claims":
		return p.claim()
	case t.kind == tokPunct && t.text == "[":
		return p.list(depth)
	case t.kind == tokEOF:
		return nil, fmt.Errorf("column %d: the expression ends where a value was expected", t.pos)
	case t.kind == tokName:
		return nil, fmt.Errorf("column %d: unknown name %q: claims are read as claims.%s", t.pos, t.text, t.text)
	}
	return nil, fmt.Errorf("column %d: expected a value (claims.NAME, a string, a number, true, false, null or a list), found %q", t.pos, t.text)
}

func (p *parser) claim() (node, error) {
	var path []string
	for {
		switch {
		case p.accept("."):
			t := p.next()
			if t.kind != tokName {
				return nil, fmt.Errorf("column %d: expected a claim name after '.'", t.pos)
			}
			path = append(path, t.text)
		case p.accept("["):
			t := p.next()
			if t.kind != tokString || !p.accept("]") {
				return nil, fmt.Errorf("column %d: expected [\"claim name\"]", t.pos)
			}
			path = append(path, t.text)
		default:
			if len(path) == 0 {
				return nil, fmt.Errorf("column %d: name a claim: claims.NAME", p.peek().pos)
			}
			if !slices.Contains(p.claims, path[0]) {
				p.claims = append(p.claims, path[0])
			}
			return claimNode{path}, nil
		}
	}
}

func (p *parser) list(depth int) (node, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("column %d: lists nested more than %d levels deep", p.peek().pos, maxNesting)
	}
	var items []node
	if p.accept("]") {
		return listNode{}, nil
	}
	for {
		it, err := p.operand(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		if p.accept("]") {
			return listNode{items}, nil
		}
		if t := p.peek(); !p.accept(",") {
			return nil, fmt.Errorf("column %d: expected , or ] in the list", t.pos)
		}
	}
}
