package graphqlhttp

import (
	"fmt"
	"net/http"
)

// Error is why a request is not a well-formed GraphQL-over-HTTP request, with the status to
// answer it with. Parse returns only this error type.
type Error struct {
	// Status is the HTTP status for the response: 400, 405, 413 or 415.
	Status int
	// Message says what was wrong and where ("request body: ..." or "query string: ..."),
	// written for the client; it is safe to return as the GraphQL error message.
	Message string
	// Allow is the value for the Allow header of a 405 response, empty otherwise.
	Allow string
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	return fmt.Sprintf("graphqlhttp: %d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
}

func errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}
