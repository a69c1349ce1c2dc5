package executor

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// Limits bounds the shape of one operation document. They are checked right after parsing,
// before validation, whose cost they protect. A zero limit is off.
type Limits struct {
	// MaxDepth bounds the nesting of selections, through fragments.
	MaxDepth int
	// MaxAliases bounds the aliased fields of the document.
	MaxAliases int
	// MaxRootFields bounds the root fields of each operation, through fragments.
	MaxRootFields int
	// MaxDirectives bounds the directives used in the document.
	MaxDirectives int
}

// DefaultLimits are generous for real clients and refuse documents built to be expensive.
func DefaultLimits() Limits {
	return Limits{MaxDepth: 64, MaxAliases: 256, MaxRootFields: 64, MaxDirectives: 256}
}

// Codes of the limit errors under extensions.code.
const (
	CodeMaxDepth      = "MAX_DEPTH_LIMIT"
	CodeMaxAliases    = "MAX_ALIASES_LIMIT"
	CodeMaxRootFields = "MAX_ROOT_FIELDS_LIMIT"
	CodeMaxDirectives = "MAX_DIRECTIVES_LIMIT"
)

// check returns the first limit doc exceeds, as a request error, or nil.
func (l Limits) check(doc *ast.QueryDocument) *requestError {
	m := measure(doc)
	for _, c := range []struct {
		got, max   int
		code, what string
	}{
		{m.depth, l.MaxDepth, CodeMaxDepth, "selection depth"},
		{m.aliases, l.MaxAliases, CodeMaxAliases, "number of aliases"},
		{m.rootFields, l.MaxRootFields, CodeMaxRootFields, "number of root fields"},
		{m.directives, l.MaxDirectives, CodeMaxDirectives, "number of directives"},
	} {
		if c.max > 0 && c.got > c.max {
			return &requestError{errs: []gqlError{newError(c.code, fmt.Sprintf(
				"the operation's %s is %d, over the limit of %d: split the operation, or ask the operator to raise it", c.what, c.got, c.max))}}
		}
	}
	return nil
}

// shape is what Limits bounds, measured on one document.
type shape struct {
	depth, aliases, rootFields, directives int
}

func measure(doc *ast.QueryDocument) shape {
	var m shape
	w := &shapeWalker{doc: doc, depths: map[string]int{}, visiting: map[string]bool{}}
	for _, op := range doc.Operations {
		m.directives += len(op.Directives)
		m.depth = max(m.depth, w.depth(op.SelectionSet))
		m.rootFields = max(m.rootFields, w.fields(op.SelectionSet, map[string]bool{}))
		m.aliases += countAliases(op.SelectionSet, &m.directives)
	}
	for _, f := range doc.Fragments {
		m.directives += len(f.Directives)
		m.aliases += countAliases(f.SelectionSet, &m.directives)
	}
	return m
}

// countAliases counts aliased fields in set (fragment definitions are counted once, apart)
// and adds the directives it meets to directives.
func countAliases(set ast.SelectionSet, directives *int) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			*directives += len(s.Directives)
			if s.Alias != "" && s.Alias != s.Name {
				n++
			}
			n += countAliases(s.SelectionSet, directives)
		case *ast.InlineFragment:
			*directives += len(s.Directives)
			n += countAliases(s.SelectionSet, directives)
		case *ast.FragmentSpread:
			*directives += len(s.Directives)
		}
	}
	return n
}

// shapeWalker measures depth through fragment spreads, once per fragment; a cycle (invalid,
// refused by validation later) counts as no depth.
type shapeWalker struct {
	doc      *ast.QueryDocument
	depths   map[string]int
	visiting map[string]bool
}

func (w *shapeWalker) depth(set ast.SelectionSet) int {
	d := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) > 0 {
				d = max(d, 1+w.depth(s.SelectionSet))
			} else {
				d = max(d, 1)
			}
		case *ast.InlineFragment:
			d = max(d, w.depth(s.SelectionSet))
		case *ast.FragmentSpread:
			d = max(d, w.fragmentDepth(s.Name))
		}
	}
	return d
}

func (w *shapeWalker) fragmentDepth(name string) int {
	if d, ok := w.depths[name]; ok {
		return d
	}
	f := w.doc.Fragments.ForName(name)
	if f == nil || w.visiting[name] {
		return 0
	}
	w.visiting[name] = true
	d := w.depth(f.SelectionSet)
	delete(w.visiting, name)
	w.depths[name] = d
	return d
}

// fields counts the distinct response keys selected on one level, through fragments.
func (w *shapeWalker) fields(set ast.SelectionSet, seen map[string]bool) int {
	keys := map[string]bool{}
	w.collectKeys(set, keys, seen)
	return len(keys)
}

func (w *shapeWalker) collectKeys(set ast.SelectionSet, keys, seen map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			keys[key] = true
		case *ast.InlineFragment:
			w.collectKeys(s.SelectionSet, keys, seen)
		case *ast.FragmentSpread:
			if f := w.doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				w.collectKeys(f.SelectionSet, keys, seen)
			}
		}
	}
}
