package ratelimit

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Decision is the outcome of one Take, with what the client needs to know about its budget.
type Decision struct {
	// Allowed reports whether the operation may run. Its cost has then been spent.
	Allowed bool

	// Never reports a refusal that waiting cannot cure: the cost is larger than the client's
	// whole budget. The client must send a cheaper operation. RetryAfter is zero then.
	Never bool

	// Limit is the client's budget in cost points per Window.
	Limit float64

	// Window is the time in which the client's budget refills completely.
	Window time.Duration

	// Remaining is the points the client may still spend now, after this decision.
	Remaining float64

	// Reset is the time until the client's budget is full again if it spends nothing more:
	// zero for a full budget, Window for an empty one. It is the time until Remaining equals
	// Limit, not the end of a fixed window, because there is none.
	Reset time.Duration

	// RetryAfter is, for a refusal that waiting cures, the time after which the same cost
	// fits. Zero when allowed and when Never.
	RetryAfter time.Duration

	// Fallback reports a decision taken in memory because Redis did not answer in time. The
	// client's budget is then this gateway's alone.
	Fallback bool
}

// SetHeaders writes the RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers of
// draft-ietf-httpapi-ratelimit-headers (version 03 and earlier, one field each) and, for a
// refusal that waiting cures, Retry-After. Points are rounded down and durations up to whole
// seconds, so that a client acting on the headers is never refused for having trusted them.
func (d Decision) SetHeaders(h http.Header) {
	h.Set("RateLimit-Limit", points(d.Limit))
	h.Set("RateLimit-Remaining", points(d.Remaining))
	h.Set("RateLimit-Reset", seconds(d.Reset))
	if !d.Allowed && !d.Never {
		h.Set("Retry-After", seconds(d.RetryAfter))
	}
}

func points(p float64) string {
	return strconv.FormatFloat(math.Floor(p), 'f', 0, 64)
}

func seconds(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}
