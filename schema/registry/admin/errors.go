package admin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The extensions.code values of the admin API's errors. They are stable: clients decide on
// them (the Go client maps them back to the registry's errors).
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeInternal        = "INTERNAL_SERVER_ERROR"
)

// hints end the messages of the errors whose fix is the same whatever the registry said.
var hints = map[string]string{
	CodeForbidden: " (the admin token, printed once by `trellis serve --registry`, may do everything and makes team tokens: " +
		"`trellis registry token create --team TEAM --subgraphs NAME`)",
}

// codeOf is the extensions.code of a registry error.
func codeOf(err error) string {
	switch {
	case errors.Is(err, registry.ErrUnauthenticated):
		return CodeUnauthenticated
	case errors.Is(err, registry.ErrForbidden):
		return CodeForbidden
	case errors.Is(err, registry.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, registry.ErrInvalid):
		return CodeBadUserInput
	}
	return CodeInternal
}

// presentError gives every resolver error its code. gqlgen's own errors (a query that does
// not parse or validate) wrap nothing and keep theirs.
func (s *Server) presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	cause := gerr.Unwrap()
	if cause == nil {
		return gerr
	}
	code := codeOf(cause)
	if code == CodeInternal {
		// Driver messages, addresses and panic values are for the log only.
		id := requestIDFrom(ctx)
		s.log.Error("admin API: internal error", "request_id", id, "path", gerr.Path.String(), "error", cause.Error())
		gerr.Message = internalMessage(id)
	}
	gerr.Message += hints[code]
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	gerr.Extensions["code"] = code
	return gerr
}

// internalMessage is all a caller learns of an internal error: the id to find it in the log.
func internalMessage(id string) string {
	return "internal error in the registry: its log has the details under request id " + id
}

type requestIDKey struct{}

// newRequestID names one request in the log and in internal errors.
func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// inputError is a BAD_USER_INPUT error found by the API itself (an argument out of range).
type inputError string

func (e inputError) Error() string        { return string(e) }
func (e inputError) Is(target error) bool { return target == registry.ErrInvalid }

func badInput(format string, args ...any) error {
	return inputError(fmt.Sprintf(format, args...))
}

// writeError answers a request refused before GraphQL runs (no token, a body too large).
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="trellis registry"`)
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]any{"code": code}}}})
}
