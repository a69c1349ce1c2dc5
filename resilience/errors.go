package resilience

import (
	"errors"
	"fmt"
	"time"
)

// Sentinels for errors.Is. A request refused by the client itself (never sent) fails with an
// *UnavailableError wrapping one of them, so that the gateway can answer with partial data at
// once instead of waiting for a timeout.
var (
	// ErrCircuitOpen: every endpoint of the service is ejected by its circuit breaker (or is
	// running its one half-open trial).
	ErrCircuitOpen = errors.New("circuit open")
	// ErrNoEndpoint: there is no endpoint to send to: the resolver lists none and the request
	// has no URL of its own, or a retry found no endpoint it had not tried.
	ErrNoEndpoint = errors.New("no endpoint")
)

// UnavailableError is a request refused without being sent.
type UnavailableError struct {
	// Service is the Target's service.
	Service string
	// Err is ErrCircuitOpen or ErrNoEndpoint.
	Err error
	// RetryAt is, for ErrCircuitOpen, when the first breaker lets a trial request through;
	// zero otherwise.
	RetryAt time.Time
}

func (e *UnavailableError) Error() string {
	if e.RetryAt.IsZero() {
		return fmt.Sprintf("service %q unavailable: %v", e.Service, e.Err)
	}
	wait := time.Until(e.RetryAt).Round(time.Millisecond)
	return fmt.Sprintf("service %q unavailable: %v (next trial in %v)", e.Service, e.Err, max(wait, 0))
}

func (e *UnavailableError) Unwrap() error { return e.Err }
