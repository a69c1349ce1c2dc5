package headers

import (
	"errors"
	"fmt"
	"slices"
)

// Config is the header rules of the gateway. The zero value passes no header either way.
type Config struct {
	// All applies to every subgraph.
	All Section
	// Subgraphs adds rules for one subgraph each, by name; they run after All's, so they
	// may override or remove what All's rules set.
	Subgraphs map[string]Section
}

// Section is the rules of All or of one subgraph.
type Section struct {
	// Request rules build the headers of each request to the subgraph, in order, starting
	// from none: a client header reaches a subgraph only when a rule propagates it.
	Request []RequestRule
	// Response rules say which headers of the subgraph's responses reach the client.
	Response []ResponseRule
}

// RequestRule is one request rule: exactly one of its fields is set.
type RequestRule struct {
	// Propagate copies client headers.
	Propagate *Propagate
	// Set sets a header to a fixed value or to a claim of the verified caller.
	Set *Set
	// Remove drops headers that earlier rules added.
	Remove *Remove
}

// Propagate copies one client header (Named) or every client header whose name matches a
// regular expression (Matching, case-insensitive), with all its values. A propagated
// header replaces what earlier rules set under the same name.
type Propagate struct {
	// Named is the client header's name (any case).
	Named string
	// Matching is a regular expression (RE2) matched against header names, case-insensitive.
	// Names no rule may send (see Forbidden) are skipped.
	Matching string
	// Rename sends the Named header under this name instead.
	Rename string
	// Default is sent when the client did not send the Named header.
	Default string
}

// Set sets header Name to Value, or to the verified caller's Claim (a dot-separated path
// into nested claims, e.g. "org.id"). A claim the token does not have, or whose value
// cannot be a header value, sets nothing. Claims need authentication (auth.jwks).
type Set struct {
	Name  string
	Value string
	Claim string
}

// Remove drops, from what earlier rules added, the header Named or every header whose name
// matches the regular expression Matching (case-insensitive).
type Remove struct {
	Named    string
	Matching string
}

// ResponseRule is one response rule.
type ResponseRule struct {
	// Propagate lets a subgraph response header through to the client.
	Propagate *ResponsePropagate
}

// ResponsePropagate lets the subgraph response header Named, or those whose names match the
// regular expression Matching (case-insensitive), through to the client. When several
// subgraph responses carry it, Algorithm combines them. Cache-Control is always merged to
// the most restrictive policy (see docs/headers.md) and takes no Algorithm. When several
// rules of a subgraph match a header, the last one decides.
type ResponsePropagate struct {
	Named     string
	Matching  string
	Algorithm Algorithm
}

// Algorithm combines the values several subgraph responses carry for one header.
type Algorithm string

// The algorithms. Responses count in the order they arrive, which for parallel fetches
// varies from one request to the next.
const (
	// FirstWrite keeps the first response's values (the default).
	FirstWrite Algorithm = "first_write"
	// LastWrite keeps the last response's values.
	LastWrite Algorithm = "last_write"
	// Append keeps every distinct value, in arrival order, as separate header lines.
	Append Algorithm = "append"
)

// DefaultConfig has no rules: no client header reaches a subgraph, no subgraph header the
// client.
func DefaultConfig() Config { return Config{} }

// RuleError is an invalid rule, named by its place in the configuration.
type RuleError struct {
	// Subgraph is the subgraph whose section holds the rule, "" for All.
	Subgraph string
	// Direction is "request" or "response".
	Direction string
	// Index is the rule's position in its list.
	Index int
	// Field is the key inside the rule, e.g. "propagate.matching".
	Field string
	Err   error
}

// Path names the rule as the configuration does: "all.request[2].propagate.matching",
// "subgraphs.products.response[0].propagate.named".
func (e *RuleError) Path() string {
	section := "all"
	if e.Subgraph != "" {
		section = "subgraphs." + e.Subgraph
	}
	p := fmt.Sprintf("%s.%s[%d]", section, e.Direction, e.Index)
	if e.Field != "" {
		p += "." + e.Field
	}
	return p
}

func (e *RuleError) Error() string { return e.Path() + ": " + e.Err.Error() }
func (e *RuleError) Unwrap() error { return e.Err }

// Validate reports the first invalid rule as a *RuleError (subgraphs in name order).
func (c Config) Validate() error {
	_, err := New(c)
	return err
}

// ClaimRule returns the first rule that reads a claim, nil when none does: such a rule
// needs authentication to be configured.
func (c Config) ClaimRule() *RuleError {
	for _, name := range c.sections() {
		for i, r := range c.section(name).Request {
			if r.Set != nil && r.Set.Claim != "" {
				return &RuleError{Subgraph: name, Direction: "request", Index: i, Field: "set.claim",
					Err: errors.New("reading a claim needs authentication: configure auth.jwks, or set a value instead")}
			}
		}
	}
	return nil
}

// sections lists "" (All) then the subgraphs in name order.
func (c Config) sections() []string {
	names := []string{""}
	for name := range c.Subgraphs {
		names = append(names, name)
	}
	slices.Sort(names[1:])
	return names
}

func (c Config) section(name string) Section {
	if name == "" {
		return c.All
	}
	return c.Subgraphs[name]
}
