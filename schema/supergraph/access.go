package supergraph

import (
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
)

// Access is what a type or field requires of the caller, from the authorization specs'
// directives (@authenticated, @requiresScopes, @policy). The zero value requires nothing.
type Access struct {
	// Authenticated requires a verified caller.
	Authenticated bool
	// Scopes is satisfied when the caller holds every scope of at least one inner list.
	// Nil requires no scope.
	Scopes [][]string
	// Policies is satisfied when every named policy of at least one inner list allows the
	// caller. Nil requires no policy.
	Policies [][]string
}

// Empty reports whether the access requires nothing.
func (a Access) Empty() bool { return !a.Authenticated && a.Scopes == nil && a.Policies == nil }

// access holds the rules by "Type" and "Type.field"; nil when the supergraph has none.
type access map[string]Access

// FieldAccess returns the rules on field of type typ (not those of the field's type).
func (s *Supergraph) FieldAccess(typ, field string) Access { return s.access[typ+"."+field] }

// TypeAccess returns the rules on a named type.
func (s *Supergraph) TypeAccess(typ string) Access { return s.access[typ] }

// HasAccessRules reports whether any type or field carries an authorization directive.
func (s *Supergraph) HasAccessRules() bool { return len(s.access) > 0 }

// Policies lists the policy names the supergraph uses, sorted.
func (s *Supergraph) Policies() []string {
	seen := map[string]bool{}
	for _, a := range s.access {
		for _, and := range a.Policies {
			for _, p := range and {
				seen[p] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// readAccess collects the authorization directives of every type and field.
func (s *Supergraph) readAccess(errs *errorList) {
	names := accessNames{
		authenticated: s.DirectiveName("authenticated", "authenticated"),
		scopes:        s.DirectiveName("requiresScopes", "requiresScopes"),
		policy:        s.DirectiveName("policy", "policy"),
	}
	if names == (accessNames{}) {
		return
	}
	s.access = access{}
	for _, def := range s.Schema.Types {
		if a := names.read(def.Directives, errs); !a.Empty() {
			s.access[def.Name] = a
		}
		for _, f := range def.Fields {
			if a := names.read(f.Directives, errs); !a.Empty() {
				s.access[def.Name+"."+f.Name] = a
			}
		}
	}
}

// accessNames are the local names of the authorization directives, "" when not linked.
type accessNames struct{ authenticated, scopes, policy string }

func (n accessNames) read(dirs ast.DirectiveList, errs *errorList) Access {
	var a Access
	for _, d := range dirs {
		switch d.Name {
		case n.authenticated:
			a.Authenticated = true
		case n.scopes:
			a.Scopes = append(a.Scopes, stringLists(d, "scopes", errs)...)
		case n.policy:
			a.Policies = append(a.Policies, stringLists(d, "policies", errs)...)
		}
	}
	return a
}

// stringLists reads a [[String!]!]! argument.
func stringLists(d *ast.Directive, arg string, errs *errorList) [][]string {
	v := d.Arguments.ForName(arg)
	if v == nil || v.Value == nil || v.Value.Kind != ast.ListValue {
		errs.add(d.Position, "@%s needs %s: a list of lists of names, e.g. %s: [[\"read:a\", \"read:b\"], [\"admin\"]]", d.Name, arg, arg)
		return nil
	}
	out := [][]string{}
	for _, inner := range v.Value.Children {
		if inner.Value == nil || inner.Value.Kind != ast.ListValue {
			errs.add(d.Position, "@%s(%s:) must be a list of lists: wrap each group of names in [ ]", d.Name, arg)
			return nil
		}
		and := []string{}
		for _, c := range inner.Value.Children {
			if c.Value == nil || c.Value.Kind != ast.StringValue && c.Value.Kind != ast.EnumValue {
				errs.add(d.Position, "@%s(%s:) names must be strings", d.Name, arg)
				return nil
			}
			and = append(and, c.Value.Raw)
		}
		out = append(out, and)
	}
	return out
}
