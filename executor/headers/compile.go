package headers

import (
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"
)

// Rules are compiled header rules: names canonicalized, expressions compiled, each
// subgraph's list (All's rules, then its own) built once. A nil *Rules has no rules. Rules
// are immutable and safe for concurrent use.
type Rules struct {
	all       list
	subgraphs map[string]*list
	// What the request rules read from a client request, for Key.
	readNames  []string // canonical, sorted, distinct
	readRes    []*matcher
	readClaims [][]string
	// responses is set when some subgraph has response rules.
	responses bool
	// cacheControl is set when some subgraph's Cache-Control is merged.
	cacheControl bool
}

// list is the rules that apply to one subgraph.
type list struct {
	request  []requestOp
	response []responseOp
	// cacheControl is set when a response rule passes this subgraph's Cache-Control.
	cacheControl bool
}

type opKind uint8

const (
	opPropagate opKind = iota
	opPropagateMatching
	opSet
	opSetClaim
	opRemove
	opRemoveMatching
)

// requestOp is one compiled request rule.
type requestOp struct {
	kind  opKind
	from  string   // opPropagate: the client header
	to    string   // the header sent (opPropagate, opSet, opSetClaim), removed (opRemove)
	re    *matcher // the *Matching kinds
	value []string // opSet: the value; opPropagate: the default (nil: none). len == cap.
	claim []string // opSetClaim: the path
}

// responseOp is one compiled response rule.
type responseOp struct {
	name string // canonical, "" for a regex
	re   *matcher
	alg  Algorithm
}

const cacheControl = "Cache-Control"

// New compiles cfg; an invalid rule is reported as a *RuleError. New returns nil (no rules)
// for a configuration without any.
func New(cfg Config) (*Rules, error) {
	r := &Rules{subgraphs: map[string]*list{}}
	reads := map[string]bool{}
	if _, ok := cfg.Subgraphs[""]; ok {
		return nil, errors.New("subgraphs: a subgraph name is empty")
	}
	if err := cfg.checkSize(); err != nil {
		return nil, err
	}
	for _, name := range cfg.sections() {
		sec := cfg.section(name)
		l := &r.all
		if name != "" {
			l = &list{request: slices.Clone(r.all.request), response: slices.Clone(r.all.response), cacheControl: r.all.cacheControl}
			r.subgraphs[name] = l
		}
		for i, rule := range sec.Request {
			op, err := compileRequest(rule)
			if err != nil {
				err.Subgraph, err.Direction, err.Index = name, "request", i
				return nil, err
			}
			l.request = append(l.request, op)
			r.noteReads(op, reads)
		}
		for i, rule := range sec.Response {
			op, err := compileResponse(rule)
			if err != nil {
				err.Subgraph, err.Direction, err.Index = name, "response", i
				return nil, err
			}
			l.response = append(l.response, op)
			l.cacheControl = l.cacheControl || op.matches(cacheControl)
			r.responses = true
			r.cacheControl = r.cacheControl || l.cacheControl
		}
	}
	if len(r.all.request) == 0 && len(r.all.response) == 0 && !slices.ContainsFunc(mapValues(r.subgraphs), (*list).any) {
		return nil, nil
	}
	slices.Sort(r.readNames)
	return r, nil
}

func mapValues(m map[string]*list) []*list {
	out := make([]*list, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	return out
}

func (l *list) any() bool { return len(l.request) > 0 || len(l.response) > 0 }

// noteReads records what op reads from a client request.
func (r *Rules) noteReads(op requestOp, seen map[string]bool) {
	switch op.kind {
	case opPropagate:
		if !seen[op.from] {
			seen[op.from] = true
			r.readNames = append(r.readNames, op.from)
		}
	case opPropagateMatching:
		r.readRes = append(r.readRes, op.re)
	case opSetClaim:
		r.readClaims = append(r.readClaims, op.claim)
	}
}

func (op responseOp) matches(name string) bool {
	if op.re != nil {
		return op.re.match(name)
	}
	return op.name == name
}

// ruleErr starts a RuleError for field; New fills in where the rule is.
func ruleErr(field, format string, args ...any) *RuleError {
	return &RuleError{Field: field, Err: fmt.Errorf(format, args...)}
}

func compileRequest(rule RequestRule) (requestOp, *RuleError) {
	n := 0
	for _, set := range []bool{rule.Propagate != nil, rule.Set != nil, rule.Remove != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return requestOp{}, ruleErr("", "give exactly one of propagate, set or remove (got %d)", n)
	}
	switch {
	case rule.Propagate != nil:
		return compilePropagate(*rule.Propagate)
	case rule.Set != nil:
		return compileSet(*rule.Set)
	default:
		return compileRemove(*rule.Remove)
	}
}

// requestName checks a header name a request rule sends or removes.
func requestName(field, name string) (string, *RuleError) {
	if !validName(name) {
		return "", ruleErr(field, "%q is not a header name (letters, digits and !#$%%&'*+-.^_`|~)", name)
	}
	if Forbidden(name) {
		return "", ruleErr(field, "%s is a hop-by-hop, framing or gateway header: no rule may send or remove it", name)
	}
	return textproto.CanonicalMIMEHeaderKey(name), nil
}

func compilePropagate(p Propagate) (requestOp, *RuleError) {
	if (p.Named == "") == (p.Matching == "") {
		return requestOp{}, ruleErr("propagate", "give exactly one of named or matching")
	}
	if p.Matching != "" {
		if p.Rename != "" || p.Default != "" {
			return requestOp{}, ruleErr("propagate", "rename and default need named: a regex may match many headers")
		}
		re, err := compileMatcher(p.Matching)
		if err != nil {
			return requestOp{}, ruleErr("propagate.matching", "%v", err)
		}
		return requestOp{kind: opPropagateMatching, re: re}, nil
	}
	from, err := requestName("propagate.named", p.Named)
	if err != nil {
		return requestOp{}, err
	}
	op := requestOp{kind: opPropagate, from: from, to: from}
	if p.Rename != "" {
		if op.to, err = requestName("propagate.rename", p.Rename); err != nil {
			return requestOp{}, err
		}
	}
	if p.Default != "" {
		if !validValue(p.Default) {
			return requestOp{}, ruleErr("propagate.default", "the value holds a control character (CR, LF, ...)")
		}
		op.value = []string{p.Default}
	}
	return op, nil
}

func compileSet(s Set) (requestOp, *RuleError) {
	to, err := requestName("set.name", s.Name)
	if err != nil {
		return requestOp{}, err
	}
	if (s.Value == "") == (s.Claim == "") {
		return requestOp{}, ruleErr("set", "give exactly one of value or claim (to send no header, leave the rule out or remove it)")
	}
	if s.Claim != "" {
		path := strings.Split(s.Claim, ".")
		if slices.Contains(path, "") {
			return requestOp{}, ruleErr("set.claim", "%q has an empty part: name a claim like sub or org.id", s.Claim)
		}
		return requestOp{kind: opSetClaim, to: to, claim: path}, nil
	}
	if !validValue(s.Value) {
		return requestOp{}, ruleErr("set.value", "the value holds a control character (CR, LF, ...)")
	}
	return requestOp{kind: opSet, to: to, value: []string{s.Value}}, nil
}

func compileRemove(r Remove) (requestOp, *RuleError) {
	if (r.Named == "") == (r.Matching == "") {
		return requestOp{}, ruleErr("remove", "give exactly one of named or matching")
	}
	if r.Matching != "" {
		re, err := compileMatcher(r.Matching)
		if err != nil {
			return requestOp{}, ruleErr("remove.matching", "%v", err)
		}
		return requestOp{kind: opRemoveMatching, re: re}, nil
	}
	name, err := requestName("remove.named", r.Named)
	if err != nil {
		return requestOp{}, err
	}
	return requestOp{kind: opRemove, to: name}, nil
}

func compileResponse(rule ResponseRule) (responseOp, *RuleError) {
	p := rule.Propagate
	if p == nil {
		return responseOp{}, ruleErr("", "give propagate")
	}
	if (p.Named == "") == (p.Matching == "") {
		return responseOp{}, ruleErr("propagate", "give exactly one of named or matching")
	}
	op := responseOp{alg: p.Algorithm}
	switch p.Algorithm {
	case "":
		op.alg = FirstWrite
	case FirstWrite, LastWrite, Append:
	default:
		return responseOp{}, ruleErr("propagate.algorithm", "%q is not first_write, last_write or append", p.Algorithm)
	}
	if p.Matching != "" {
		re, err := compileMatcher(p.Matching)
		if err != nil {
			return responseOp{}, ruleErr("propagate.matching", "%v", err)
		}
		op.re = re
		return op, nil
	}
	if !validName(p.Named) {
		return responseOp{}, ruleErr("propagate.named", "%q is not a header name (letters, digits and !#$%%&'*+-.^_`|~)", p.Named)
	}
	if ForbiddenResponse(p.Named) {
		return responseOp{}, ruleErr("propagate.named", "%s describes the subgraph's own connection or body: it never reaches the client", p.Named)
	}
	op.name = textproto.CanonicalMIMEHeaderKey(p.Named)
	if op.name == cacheControl && p.Algorithm != "" {
		return responseOp{}, ruleErr("propagate.algorithm", "Cache-Control is always merged to the most restrictive policy: leave algorithm out")
	}
	return op, nil
}

// MaxSubgraphSections and MaxRules bound what a configuration (or a central policy, written
// once for many gateways) compiles to: every subgraph section gets its own copy of the
// rules for all, so rules × sections is the cost, not the document's size.
const (
	MaxSubgraphSections = 1000
	MaxRules            = 10_000
)

func (c Config) checkSize() error {
	if n := len(c.Subgraphs); n > MaxSubgraphSections {
		return fmt.Errorf("subgraphs: %d sections, more than %d: write rules for the subgraphs that need their own, the rest under all", n, MaxSubgraphSections)
	}
	all := len(c.All.Request) + len(c.All.Response)
	total := all
	for _, s := range c.Subgraphs {
		total += all + len(s.Request) + len(s.Response)
	}
	if total > MaxRules {
		return fmt.Errorf("%d rules once each subgraph section has its copy of the rules for all (%d of them), more than %d: use fewer rules or fewer subgraph sections", total, all, MaxRules)
	}
	return nil
}
