package executor

import "context"

type scopeKey struct{}

// withScope records the caller's authorization scope: a string equal for two requests only
// when they carry the same credentials (the same verified claims, or the same Authorization
// and Cookie headers when no authentication is configured). Anything shared between
// requests (deduplicated executions, cached entities) is keyed by it.
func withScope(ctx context.Context, scope string) context.Context {
	return context.WithValue(ctx, scopeKey{}, scope)
}

// scopeFrom returns the scope recorded by withScope, "" for an anonymous request.
func scopeFrom(ctx context.Context) string {
	s, _ := ctx.Value(scopeKey{}).(string)
	return s
}
