package executor

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error codes under extensions.code, stable for clients.
const (
	CodeParseFailed      = "GRAPHQL_PARSE_FAILED"
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	CodeBadRequest       = "BAD_REQUEST"
	CodeBadVariables     = "BAD_USER_INPUT"
	CodeOperationUnknown = "OPERATION_RESOLUTION_FAILURE"
	CodePlanFailed       = "QUERY_PLANNING_FAILED"
	CodeSubgraphHTTP     = "SUBREQUEST_HTTP_ERROR"
	CodeSubgraphResponse = "SUBREQUEST_MALFORMED_RESPONSE"
	CodeInternal         = "INTERNAL_SERVER_ERROR"
	CodeTimeout          = "GATEWAY_TIMEOUT"
	CodeResponseTooLarge = "RESPONSE_TOO_LARGE"
	CodeUnauthorized     = "UNAUTHORIZED_FIELD_OR_TYPE"
	CodeUnauthenticated  = "UNAUTHENTICATED"
	CodeRateLimited      = "REQUEST_RATE_LIMITED"
)

// gqlError is one entry of a response's "errors".
type gqlError struct {
	Message    string         `json:"message"`
	Locations  []location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

func newError(code, format string) gqlError {
	return gqlError{Message: format, Extensions: map[string]any{"code": code}}
}

// pathElem is one step of a response path: a key, or a list index when key is empty. A typed
// path costs no allocation per step, where []any boxes every key.
type pathElem struct {
	key   string
	index int
}

// responsePath turns a typed path into a GraphQL error path.
func responsePath(path []pathElem) []any {
	out := make([]any, len(path))
	for i, p := range path {
		if p.key != "" {
			out[i] = p.key
		} else {
			out[i] = p.index
		}
	}
	return out
}

// sortErrors orders errors by path, pathless first, so that a response does not depend on
// which of two parallel fetches finished first.
func sortErrors(errs []gqlError) {
	slices.SortStableFunc(errs, func(a, b gqlError) int { return comparePaths(a.Path, b.Path) })
}

func comparePaths(a, b []any) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := strings.Compare(fmt.Sprint(a[i]), fmt.Sprint(b[i])); c != 0 {
			ai, aInt := a[i].(int)
			bi, bInt := b[i].(int)
			if aInt && bInt {
				return cmp.Compare(ai, bi)
			}
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}
