package executor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trellis-gql/trellis/executor/policy"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// AuthorizationConfig says how the supergraph's @authenticated, @requiresScopes and @policy
// rules are enforced.
type AuthorizationConfig struct {
	// Reject refuses a whole operation that selects anything the caller may not see. The
	// default (false) removes those fields, answers them with null and an error at their
	// path, and serves the rest.
	Reject bool
	// Policies are the rules @policy names, by name: expressions over the caller's claims,
	// e.g. `claims.role == "admin"` (see package policy). A policy the supergraph names but
	// this map lacks denies everyone.
	Policies map[string]string
}

// Validate compiles every policy.
func (c AuthorizationConfig) Validate() error {
	_, err := c.compile()
	return err
}

func (c AuthorizationConfig) compile() (map[string]*policy.Rule, error) {
	out := make(map[string]*policy.Rule, len(c.Policies))
	names := make([]string, 0, len(c.Policies))
	for n := range c.Policies {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		r, err := policy.Compile(c.Policies[n])
		if err != nil {
			return nil, fmt.Errorf("authorization.policies.%s: %w", n, err)
		}
		out[n] = r
	}
	return out, nil
}

// caller is who sent a request, as far as authorization is concerned.
type caller struct {
	authenticated bool
	scopes        []string
	claims        map[string]any
	subject       string
	scope         string // the scope key: equal only for equal claims
}

// authorization is the outcome of checking an operation against the caller.
type authorization struct {
	// op is the operation to cost and plan: denied fields removed. It is the original
	// operation when nothing was denied.
	op *planner.Operation
	// denied are the fields answered with null without being fetched.
	denied map[*planner.Field]bool
	errs   []gqlError
}

// authorize removes from op the fields the caller may not see. The original operation is
// shared through the cache and never modified: changed selection sets are copied.
func authorize(sg *supergraph.Supergraph, policies map[string]*policy.Rule, c *caller, op *planner.Operation) *authorization {
	if !sg.HasAccessRules() {
		return &authorization{op: op}
	}
	a := &authorizer{sg: sg, policies: policies, caller: c, result: &authorization{op: op}}
	sel, changed, _ := a.selection(op.Selection, nil, "")
	if changed {
		cp := *op
		cp.Selection = sel
		cp.Key = op.Key + "\x00denied:" + a.key.String()
		a.result.op = &cp
	}
	return a.result
}

type authorizer struct {
	sg       *supergraph.Supergraph
	policies map[string]*policy.Rule
	caller   *caller
	result   *authorization
	key      strings.Builder // the denied fields, by type and response key: part of the plan-cache key
	paths    map[string]bool // the paths reported
	decided  map[string]bool // policy outcomes for this caller
}

// selection returns sel without the denied fields, whether anything was removed, and
// whether the object is null whatever its type: a denied non-null field nulls its object.
// path is the response path (for errors); trail names the fields with their concrete types
// (for the plan-cache key: two callers denied the same path in different cases of an
// abstract selection must not share a plan).
func (a *authorizer) selection(sel *planner.SelectionSet, path []any, trail string) (out *planner.SelectionSet, changed, null bool) {
	var cases []*planner.Case
	null = true
	for i, c := range sel.Cases {
		nc, ch, cnull := a.fields(sel, c, path, trail)
		null = null && cnull
		if ch && cases == nil {
			cases = slices.Clone(sel.Cases)
		}
		if ch {
			cases[i] = nc
		}
	}
	if cases == nil {
		return sel, false, false
	}
	cp := *sel
	cp.Cases = cases
	cp.Uniform = false // the cases may differ now
	return &cp, true, null
}

// fields filters one case. A field whose value is sure to be null because of a denial below
// it is not fetched either: the subgraph that resolves it is not asked for it.
func (a *authorizer) fields(sel *planner.SelectionSet, c *planner.Case, path []any, trail string) (out *planner.Case, changed, null bool) {
	var kept []*planner.Field
	caseDenied := !a.typeAllowed(c.Type)
	for i, f := range c.Fields {
		keep := f
		if f.Name != "__typename" {
			var fnull bool
			keep, fnull = a.field(sel, c, f, path, trail+"/"+c.Type+"."+f.ResponseKey(), caseDenied)
			null = null || fnull && f.Definition.Type.NonNull
		}
		if keep != f && kept == nil {
			kept = slices.Clone(c.Fields[:i])
		}
		if kept != nil && keep != nil {
			kept = append(kept, keep)
		}
	}
	if kept == nil {
		return c, false, null
	}
	if len(kept) == 0 {
		// Keep the object itself: its other fields are answered with null, not the object.
		kept = append(kept, &planner.Field{Alias: "__typename", Name: "__typename", Definition: typenameDefinition})
	}
	return &planner.Case{Type: c.Type, Fields: kept}, true, null
}

// field returns the field to plan (nil: none, f: unchanged, else a filtered copy), and
// whether its value is sure to be null.
func (a *authorizer) field(sel *planner.SelectionSet, c *planner.Case, f *planner.Field, path []any, trail string, caseDenied bool) (*planner.Field, bool) {
	fpath := append(slices.Clip(path), f.ResponseKey())
	if caseDenied || !a.fieldAllowed(sel.Type, c.Type, f) {
		a.deny(f, fpath, trail)
		return nil, true
	}
	if f.Selection == nil {
		return f, false
	}
	child, changed, null := a.selection(f.Selection, listPath(fpath, f.Definition.Type), trail)
	if null && nullReachesField(f.Definition.Type) {
		// Null because of a denial below it, which its error explains: not fetched, and
		// answered with null without an error of its own.
		a.nulled(f)
		return nil, true
	}
	if !changed {
		return f, false
	}
	cp := *f
	cp.Selection = child
	return &cp, false
}

// nullReachesField reports whether a null object at the innermost level of t makes the
// whole value null: t is not a list, or every list level holds non-null items.
func nullReachesField(t *ast.Type) bool {
	return t.Elem == nil || t.Elem.NonNull && nullReachesField(t.Elem)
}

var typenameDefinition = &ast.FieldDefinition{Name: "__typename", Type: ast.NonNullNamedType("String", nil)}

// typeAllowed checks the rules of a concrete type and of every interface it implements, so
// that an interface's rules hold however the type is reached (through a union too).
func (a *authorizer) typeAllowed(typ string) bool {
	if !a.allowed(a.sg.TypeAccess(typ)) {
		return false
	}
	for _, iface := range a.interfaces(typ) {
		if !a.allowed(a.sg.TypeAccess(iface)) {
			return false
		}
	}
	return true
}

// fieldAllowed checks the field's own rules, those of the same field on the static type and
// on every interface of the concrete type, the rules of the field's type, and that the
// fields its @requires reads are allowed too (a field computed from a denied field would
// leak it).
func (a *authorizer) fieldAllowed(static, concrete string, f *planner.Field) bool {
	if !a.allowed(a.sg.FieldAccess(concrete, f.Name)) {
		return false
	}
	if static != concrete && !a.allowed(a.sg.FieldAccess(static, f.Name)) {
		return false
	}
	for _, iface := range a.interfaces(concrete) {
		if !a.allowed(a.sg.FieldAccess(iface, f.Name)) {
			return false
		}
	}
	if f.Definition != nil && !a.allowed(a.sg.TypeAccess(f.Definition.Type.Name())) {
		return false
	}
	return a.requiresAllowed(concrete, f.Name)
}

func (a *authorizer) interfaces(typ string) []string {
	if def := a.sg.Schema.Types[typ]; def != nil {
		return def.Interfaces
	}
	return nil
}

// requiresAllowed checks the fields of every @requires of typ.field.
func (a *authorizer) requiresAllowed(typ, field string) bool {
	t := a.sg.Types[typ]
	if t == nil || t.Fields[field] == nil {
		return true
	}
	for _, in := range t.Fields[field].In {
		if len(in.Requires) > 0 && !a.setAllowed(typ, in.Requires) {
			return false
		}
	}
	return true
}

// setAllowed checks every field of a field set selected on typ.
func (a *authorizer) setAllowed(typ string, set ast.SelectionSet) bool {
	def := a.sg.Schema.Types[typ]
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			if !a.allowed(a.sg.FieldAccess(typ, s.Name)) || !a.requiresAllowed(typ, s.Name) {
				return false
			}
			fd := (*ast.FieldDefinition)(nil)
			if def != nil {
				fd = def.Fields.ForName(s.Name)
			}
			if fd == nil {
				continue
			}
			if !a.allowed(a.sg.TypeAccess(fd.Type.Name())) || len(s.SelectionSet) > 0 && !a.setAllowed(fd.Type.Name(), s.SelectionSet) {
				return false
			}
		case *ast.InlineFragment:
			on := typ
			if s.TypeCondition != "" {
				on = s.TypeCondition
			}
			if !a.setAllowed(on, s.SelectionSet) {
				return false
			}
		}
	}
	return true
}

func (a *authorizer) allowed(rule supergraph.Access) bool {
	c := a.caller
	if rule.Authenticated && !c.authenticated {
		return false
	}
	if rule.Scopes != nil && !slices.ContainsFunc(rule.Scopes, func(and []string) bool {
		return !slices.ContainsFunc(and, func(s string) bool { return !slices.Contains(c.scopes, s) })
	}) {
		return false
	}
	if rule.Policies != nil && !slices.ContainsFunc(rule.Policies, func(and []string) bool {
		return !slices.ContainsFunc(and, func(p string) bool { return !a.policyAllows(p) })
	}) {
		return false
	}
	return true
}

// policyAllows evaluates a policy once per request, however many fields name it. A caller
// without a token passes no policy: policies are rules over verified claims, and a rule
// such as claims.plan != "trial" must not admit whoever sends none.
func (a *authorizer) policyAllows(name string) bool {
	if !a.caller.authenticated {
		return false
	}
	if ok, seen := a.decided[name]; seen {
		return ok
	}
	r := a.policies[name]
	ok := r != nil && r.Allow(a.caller.claims)
	if a.decided == nil {
		a.decided = map[string]bool{}
	}
	a.decided[name] = ok
	return ok
}

// deny records a field the caller may not see; the error is reported once per path (the
// same field of several cases of an abstract selection shares it).
func (a *authorizer) deny(f *planner.Field, path []any, trail string) {
	a.nulled(f)
	a.key.WriteString(trail)
	a.key.WriteByte(0)
	k := pathKey(path, len(path))
	if a.paths[k] {
		return
	}
	if a.paths == nil {
		a.paths = map[string]bool{}
	}
	a.paths[k] = true
	e := newError(CodeUnauthorized, "Unauthorized field or type")
	e.Path = path
	a.result.errs = append(a.result.errs, e)
}

// nulled records a field answered with null without being fetched.
func (a *authorizer) nulled(f *planner.Field) {
	if a.result.denied == nil {
		a.result.denied = map[*planner.Field]bool{}
	}
	a.result.denied[f] = true
}

// listPath extends a field's path with "@" for each list level of its type: authorization
// errors are reported per field of the operation, not per list item.
func listPath(path []any, t *ast.Type) []any {
	for ; t != nil && t.Elem != nil; t = t.Elem {
		path = append(slices.Clip(path), "@")
	}
	return path
}
