package compose

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// authReq is what @authenticated, @requiresScopes and @policy ask of a client for one
// supergraph element. Scopes and policies are OR-of-AND lists: [[a, b], [c]] is (a AND b)
// OR c.
type authReq struct {
	authenticated            bool
	scopes, policies         [][]string
	haveScopes, havePolicies bool
}

// and returns the requirements of a and b together.
func (a authReq) and(b authReq) authReq {
	out := authReq{authenticated: a.authenticated || b.authenticated}
	out.scopes, out.haveScopes = andLists(a.scopes, a.haveScopes, b.scopes, b.haveScopes)
	out.policies, out.havePolicies = andLists(a.policies, a.havePolicies, b.policies, b.havePolicies)
	return out
}

func (a authReq) empty() bool { return !a.authenticated && !a.haveScopes && !a.havePolicies }

// implies reports whether a client meeting a always meets b.
func (a authReq) implies(b authReq) bool {
	return (a.authenticated || !b.authenticated) &&
		listsImply(a.scopes, a.haveScopes, b.scopes, b.haveScopes) &&
		listsImply(a.policies, a.havePolicies, b.policies, b.havePolicies)
}

// String prints the directives, in supergraph order.
func (a authReq) String() string {
	if a.empty() {
		return "none"
	}
	return strings.Join(a.directives(), " ")
}

func (a authReq) directives() []string {
	var out []string
	if a.authenticated {
		out = append(out, "@authenticated")
	}
	if a.haveScopes {
		out = append(out, "@requiresScopes(scopes: "+printLists(a.scopes)+")")
	}
	if a.havePolicies {
		out = append(out, "@policy(policies: "+printLists(a.policies)+")")
	}
	return out
}

// authDirectives prints a's directives and records the specs they need.
func (m *merger) authDirectives(a authReq) []string {
	m.uses["authenticated"] = m.uses["authenticated"] || a.authenticated
	m.uses["requiresScopes"] = m.uses["requiresScopes"] || a.haveScopes
	m.uses["policy"] = m.uses["policy"] || a.havePolicies
	return a.directives()
}

// andLists combines two OR-of-AND lists so that both must hold:
// [[a],[b]] AND [[c]] = [[a,c],[b,c]]. A missing list (ok false) requires nothing.
func andLists(a [][]string, aok bool, b [][]string, bok bool) ([][]string, bool) {
	switch {
	case !aok && !bok:
		return nil, false
	case !aok:
		return minimizeLists(b), true
	case !bok:
		return minimizeLists(a), true
	}
	var out [][]string
	for _, x := range a {
		for _, y := range b {
			var both []string
			for _, s := range append(append([]string{}, x...), y...) {
				if !contains(both, s) {
					both = append(both, s)
				}
			}
			out = append(out, both)
		}
	}
	return minimizeLists(out), true
}

// minimizeLists drops duplicate alternatives and those that ask for more than another
// one ([[a], [a, b]] is [[a]]), so that AND-ing a requirement with itself changes nothing.
func minimizeLists(lists [][]string) [][]string {
	var out [][]string
	seen := map[string]bool{}
	for i, l := range lists {
		k := append([]string{}, l...)
		sort.Strings(k)
		key := strings.Join(k, "\x00")
		if seen[key] || absorbed(lists, i) {
			continue
		}
		seen[key] = true
		out = append(out, l)
	}
	return out
}

// absorbed reports whether another alternative of lists is a strict subset of lists[i].
func absorbed(lists [][]string, i int) bool {
	for j, other := range lists {
		if j != i && len(other) < len(lists[i]) && subset(other, lists[i]) {
			return true
		}
	}
	return false
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}

// listsImply reports whether OR-of-AND list a implies b: every alternative of a contains
// some alternative of b.
func listsImply(a [][]string, aok bool, b [][]string, bok bool) bool {
	if !bok {
		return true
	}
	if !aok {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if subset(y, x) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func printLists(lists [][]string) string {
	var outer []string
	for _, l := range lists {
		var inner []string
		for _, s := range l {
			inner = append(inner, quote(s))
		}
		outer = append(outer, "["+strings.Join(inner, ", ")+"]")
	}
	return "[" + strings.Join(outer, ", ") + "]"
}

// propagateAuth gives each interface the requirements of all its implementations, and
// each interface field those of the implementations' fields: a client reading through
// the interface may reach any of them. Runs after @interfaceObject fields are copied.
func (m *merger) propagateAuth() {
	for _, name := range m.order {
		it := m.types[name]
		if it.kind != ast.Interface {
			continue
		}
		req := it.auth
		fields := map[string]authReq{}
		for _, f := range it.fields {
			fields[f.name] = f.auth
		}
		for _, on := range m.order {
			impl := m.types[on]
			if impl.kind != ast.Object || !contains(impl.implements, it.name) {
				continue
			}
			req = req.and(impl.auth)
			for _, f := range impl.fields {
				if r, ok := fields[f.name]; ok {
					fields[f.name] = r.and(f.auth)
				}
			}
		}
		it.directives, it.auth = m.replaceAuth(it.directives, it.auth, req), req
		for _, f := range it.fields {
			f.directives, f.auth = m.replaceAuth(f.directives, f.auth, fields[f.name]), fields[f.name]
		}
	}
}

// replaceAuth swaps the auth directives old in dirs for those of req, where they go:
// after the @tags.
func (m *merger) replaceAuth(dirs []string, old, req authReq) []string {
	drop := old.directives()
	var out []string
	at := 0
	for _, d := range dirs {
		if contains(drop, d) {
			continue
		}
		out = append(out, d)
		if strings.HasPrefix(d, "@tag(") {
			at = len(out)
		}
	}
	add := m.authDirectives(req)
	return append(out[:at], append(add, out[at:]...)...)
}

// checkTransitiveAuth requires a field with @requires to ask at least what the fields its
// selection reads ask (and the types they return): otherwise the gateway would fetch, and
// hand to the subgraph, data the client may not read (MISSING_TRANSITIVE_AUTH_REQUIREMENTS).
func (m *merger) checkTransitiveAuth() {
	for _, name := range m.order {
		t := m.types[name]
		if t.kind != ast.Object {
			continue
		}
		for _, f := range t.fields {
			for _, s := range f.sources {
				if s.requires == nil || s.overridden {
					continue
				}
				have := t.auth.and(f.auth)
				need := authReq{}
				var reached []string
				m.walkSelected(t.name, s.requires.sel, func(g *mfield, c string, _ *ast.Field) {
					r := g.auth
					if rt := m.types[g.typ.Name()]; rt != nil {
						r = r.and(rt.auth)
					}
					if !have.implies(r) {
						reached = append(reached, c)
					}
					need = need.and(r)
				}, func(cond *mtype) { need = need.and(cond.auth) })
				if have.implies(need) {
					continue
				}
				coord := t.name + "." + f.name
				m.c.report("MISSING_TRANSITIVE_AUTH_REQUIREMENTS", s.parent.sub, coord, s.requires.pos, "%s",
					transitiveAuthMessage(coord, s.requires.raw, reached, need, have))
			}
		}
	}
}

func transitiveAuthMessage(coord, raw string, reached []string, need, have authReq) string {
	what := "the fields it selects"
	if len(reached) > 0 {
		what = quoteList(reached)
	}
	return "Field \"" + coord + "\" does not specify the @authenticated, @requiresScopes and/or @policy requirements needed to read " +
		what + ", which its @requires(fields: " + quote(raw) + ") needs: it must ask at least " + need.String() +
		" (the field and its type ask " + have.String() + "). Add the missing requirements to the field."
}
