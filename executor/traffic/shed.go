package traffic

import (
	"net/http"
	"strconv"
	"time"
)

// ShedConfig caps the requests in flight. Past the cap a request is refused at once with 503
// and Retry-After, so the gateway sheds load before its latency collapses.
type ShedConfig struct {
	// MaxConcurrent is the most requests served at once; 0 turns shedding off.
	MaxConcurrent int
	// RetryAfter is what refused clients are told to wait.
	RetryAfter time.Duration
}

// DefaultShedConfig is off, with a one-second Retry-After once turned on.
func DefaultShedConfig() ShedConfig { return ShedConfig{RetryAfter: time.Second} }

// Shed refuses requests over the cap.
func Shed(cfg ShedConfig, next http.Handler) http.Handler {
	if cfg.MaxConcurrent <= 0 {
		return next
	}
	slots := make(chan struct{}, cfg.MaxConcurrent)
	retry := strconv.Itoa(max(1, int((cfg.RetryAfter+time.Second-1)/time.Second)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", retry)
			graphQLError(w, http.StatusServiceUnavailable, "SERVICE_OVERLOADED",
				"the gateway is at its limit of "+strconv.Itoa(cfg.MaxConcurrent)+" requests in flight; retry after "+retry+" s")
		}
	})
}
