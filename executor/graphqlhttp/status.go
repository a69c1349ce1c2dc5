package graphqlhttp

import (
	"net/http"
	"strings"
)

// Status returns the HTTP status for a response to a well-formed request: requestError means
// the request failed before execution (document parse or validation, operation selection,
// variable coercion), so the response has no "data" entry. Under application/json that is
// still 200, so that clients can trust the body; under application/graphql-response+json it is
// 400. A response with data, partial or null, is 200 under both.
//
// The executor may pick a more precise 4xx for a request error (401 or 403 for a refused
// caller) under application/graphql-response+json; Status gives the default the spec names.
// Parameters on mediaType ("; charset=utf-8") are ignored.
func Status(mediaType string, requestError bool) int {
	mt, _, _ := strings.Cut(mediaType, ";")
	if requestError && strings.EqualFold(strings.TrimSpace(mt), GraphQLResponseJSON) {
		return http.StatusBadRequest
	}
	return http.StatusOK
}
