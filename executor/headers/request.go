package headers

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// Input is what request rules read from one client request.
type Input struct {
	// Header is the client request's header, as net/http's server canonicalized it.
	Header http.Header
	// Claims are the verified caller's JWT claims (nil when anonymous), numbers as
	// json.Number or float64.
	Claims map[string]any
}

func (r *Rules) list(subgraph string) *list {
	if l, ok := r.subgraphs[subgraph]; ok {
		return l
	}
	return &r.all
}

// Apply adds to dst the headers the rules send to subgraph for the client request in.
// dst should hold nothing else yet: the gateway sets its own headers after the rules.
// Propagated values share the client's slices (capped, so that appending copies them):
// dst must not be modified in place.
func (r *Rules) Apply(dst http.Header, subgraph string, in Input) {
	if r == nil {
		return
	}
	ops := r.list(subgraph).request
	for i := range ops {
		op := &ops[i]
		switch op.kind {
		case opPropagate:
			if vs := in.Header[op.from]; len(vs) > 0 {
				dst[op.to] = vs[:len(vs):len(vs)]
			} else if op.value != nil {
				dst[op.to] = op.value
			}
		case opPropagateMatching:
			for name, vs := range in.Header {
				if len(vs) > 0 && op.re.match(name) && !Forbidden(name) {
					dst[name] = vs[:len(vs):len(vs)]
				}
			}
		case opSet:
			dst[op.to] = op.value
		case opSetClaim:
			if v, ok := claimValue(in.Claims, op.claim); ok {
				dst[op.to] = []string{v}
			}
		case opRemove:
			delete(dst, op.to)
		case opRemoveMatching:
			for name := range dst {
				if op.re.match(name) {
					delete(dst, name)
				}
			}
		}
	}
}

// Key identifies what the request rules read from in: the values of every client header a
// rule may propagate and of every claim a rule may send. Two requests with the same key
// send the same headers to every subgraph, so they may share an execution. It is "" when
// no rule reads anything, else a SHA-256 (the values may be credentials).
func (r *Rules) Key(in Input) string {
	if r == nil || (len(r.readNames) == 0 && len(r.readRes) == 0 && len(r.readClaims) == 0) {
		return ""
	}
	var stack [512]byte
	b := stack[:0]
	for _, name := range r.readNames {
		b = appendHeader(b, name, in.Header[name])
	}
	if len(r.readRes) > 0 {
		var names [16]string
		matched := names[:0]
		for name, vs := range in.Header {
			if len(vs) > 0 && anyMatch(r.readRes, name) {
				matched = append(matched, name)
			}
		}
		slices.Sort(matched)
		b = append(b, 1)
		for _, name := range matched {
			b = appendHeader(b, name, in.Header[name])
		}
	}
	for _, path := range r.readClaims {
		v, ok := claimValue(in.Claims, path)
		b = append(b, 2)
		if ok {
			b = appendField(b, v)
		}
	}
	sum := sha256.Sum256(b)
	return string(sum[:])
}

// Fingerprint identifies the headers the rules send to subgraph for in: equal for two
// requests only when that subgraph receives the same headers from both. "" when the rules
// send that subgraph nothing, else a SHA-256.
func (r *Rules) Fingerprint(subgraph string, in Input) string {
	if r == nil || len(r.list(subgraph).request) == 0 {
		return ""
	}
	h := make(http.Header, 8)
	r.Apply(h, subgraph, in)
	if len(h) == 0 {
		return ""
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	var b []byte
	for _, name := range names {
		b = appendHeader(b, name, h[name])
	}
	sum := sha256.Sum256(b)
	return string(sum[:])
}

// appendHeader writes a header unambiguously: name, value count, values, each
// length-prefixed.
func appendHeader(b []byte, name string, values []string) []byte {
	b = appendField(b, name)
	b = binary.AppendUvarint(b, uint64(len(values)))
	for _, v := range values {
		b = appendField(b, v)
	}
	return b
}

func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// claimValue reads the claim at path as a header value: strings as they are, numbers and
// booleans as JSON writes them, lists and objects as JSON. ok is false when the claim is
// missing or null, or its text cannot be a header value.
func claimValue(claims map[string]any, path []string) (string, bool) {
	var v any = claims
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[p]; !ok {
			return "", false
		}
	}
	var s string
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool:
		s = strconv.FormatBool(v)
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return "", false
		}
		s = string(raw)
	}
	return s, validValue(s)
}

func anyMatch(res []*matcher, name string) bool {
	for _, re := range res {
		if re.match(name) {
			return true
		}
	}
	return false
}
