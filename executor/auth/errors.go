package auth

import "fmt"

// Error is a token that was sent but cannot be accepted. Message is safe to show the client:
// it never holds the token, a key or a secret. Err, when set, is the underlying cause, for logs.
type Error struct {
	// Message says what is wrong with the token, e.g. "the token expired at 2026-11-30T12:00:00Z".
	Message string
	// Err is the cause reported by the JOSE library or the JSON decoder, or nil.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return "auth: " + e.Message + ": " + e.Err.Error()
	}
	return "auth: " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func fail(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// quote shows a client-supplied string in a message, cut short so that a huge value cannot
// fill the logs.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
