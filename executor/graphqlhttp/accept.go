package graphqlhttp

import (
	"strconv"
	"strings"
)

// The two response media types of the spec. Responses should carry "; charset=utf-8" after them.
const (
	// GraphQLResponseJSON is the spec's preferred response type: its status codes tell a
	// request error (4xx) from a response with data (200) without reading the body.
	GraphQLResponseJSON = "application/graphql-response+json"
	// JSON is the legacy response type: every well-formed request gets 200.
	JSON = "application/json"
)

// MediaType picks the response media type from the value of the Accept header (for several
// Accept header lines, join them with ","). It returns ok=false when the client accepts
// neither type, which the spec recommends answering with 406 Not Acceptable.
//
// Choices, following the spec after its 2025-01-01 legacy watershed:
//   - No Accept header (or an empty one) is treated as "application/graphql-response+json".
//   - The type with the higher q-value wins. On a tie, including "*/*" and "application/*",
//     application/graphql-response+json wins: it is the server's preferred type, and list
//     order carries no weight in HTTP (RFC 9110, section 12.5.1).
//   - A type's q-value comes from its most specific range (exact > application/* > */*), so
//     "application/json;q=0, */*" rules out application/json only.
//   - A range with a charset other than utf-8 does not match: we cannot answer in it.
//     Other parameters are ignored. Ranges with a malformed q-value are skipped.
func MediaType(accept string) (mediaType string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return GraphQLResponseJSON, true
	}
	var gql, js preference
	for r := range strings.SplitSeq(accept, ",") {
		typ, q, ok := parseRange(r)
		if !ok {
			continue
		}
		switch typ {
		case "*/*":
			gql.offer(1, q)
			js.offer(1, q)
		case "application/*":
			gql.offer(2, q)
			js.offer(2, q)
		case GraphQLResponseJSON:
			gql.offer(3, q)
		case JSON:
			js.offer(3, q)
		}
	}
	switch {
	case gql.q > 0 && gql.q >= js.q:
		return GraphQLResponseJSON, true
	case js.q > 0:
		return JSON, true
	}
	return "", false
}

// preference is the q-value a supported type gets from its most specific matching range.
type preference struct {
	specificity int
	q           float64
}

func (p *preference) offer(specificity int, q float64) {
	switch {
	case specificity > p.specificity:
		*p = preference{specificity, q}
	case specificity == p.specificity:
		p.q = max(p.q, q)
	}
}

// parseRange parses one media range with its parameters: lower-cased "type/subtype" and the
// q-value, or ok=false for a malformed range or one with a charset we cannot answer in.
func parseRange(s string) (typ string, q float64, ok bool) {
	typ, rest, _ := strings.Cut(s, ";")
	typ = strings.ToLower(strings.TrimSpace(typ))
	if top, sub, found := strings.Cut(typ, "/"); !found || top == "" || sub == "" || (top == "*" && sub != "*") {
		return "", 0, false
	}
	q = 1
	for rest != "" {
		var param string
		param, rest, _ = strings.Cut(rest, ";")
		name, value, _ := strings.Cut(param, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.Trim(strings.TrimSpace(value), `"`)
		switch name {
		case "q":
			v, err := strconv.ParseFloat(value, 64)
			if err != nil || !(v >= 0 && v <= 1) {
				return "", 0, false
			}
			q = v
		case "charset":
			if !isUTF8(value) {
				return "", 0, false
			}
		}
	}
	return typ, q, true
}
