package executor

import "context"

// WithScope lets the external tests set the caller's scope as the handler will.
func WithScope(ctx context.Context, scope string) context.Context { return withScope(ctx, scope) }
