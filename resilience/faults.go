package resilience

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// FaultConfig injects faults into the requests to one service, as a mesh's fault injection
// does, to test how the gateway copes: DelayPercent of the requests wait Delay before being
// sent, and AbortPercent of them are answered with AbortStatus without being sent. A request
// may be both delayed and aborted. Injected faults happen before retries (an abort is not
// retried, as in Envoy) and within the request's deadline. Each one is counted in
// Client.Counters and logged at debug level. The zero value injects nothing.
type FaultConfig struct {
	// DelayPercent is the share of requests delayed, 0 to 100.
	DelayPercent float64
	// Delay is how long a delayed request waits.
	Delay time.Duration
	// AbortPercent is the share of requests aborted, 0 to 100.
	AbortPercent float64
	// AbortStatus is the HTTP status of an aborted request's answer, 400 to 599 (503, 429,
	// 500 ...). The body is "fault filter abort", as Envoy's.
	AbortStatus int
}

func (c FaultConfig) validate(key string) error {
	var cs checks
	cs.between(key+".delay_percent", c.DelayPercent, 0, 100, "10")
	cs.add(c.DelayPercent == 0 || c.Delay > 0, key+".delay", "must be positive when delay_percent is set, e.g. 500ms; got %v", c.Delay)
	cs.add(c.Delay >= 0, key+".delay", "must not be negative; got %v", c.Delay)
	cs.between(key+".abort_percent", c.AbortPercent, 0, 100, "10")
	cs.add(c.AbortPercent == 0 || (c.AbortStatus >= 400 && c.AbortStatus <= 599), key+".abort_status", "must be an HTTP error status (400 to 599) when abort_percent is set, e.g. 503; got %d", c.AbortStatus)
	return cs.err()
}

// FaultHeader marks an answer made up by fault injection.
const FaultHeader = "Trellis-Fault"

// faults is the fault-injection layer.
type faults struct {
	next http.RoundTripper
	cfg  map[string]FaultConfig
	log  *logger
}

func (f *faults) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	c := callFrom(ctx)
	fc, ok := f.cfg[c.target.Service]
	if !ok {
		return f.next.RoundTrip(req)
	}
	if roll(fc.DelayPercent) {
		c.svc.counters.faultDelays.Add(1)
		f.log.fault(ctx, c.target.Service, "delay", slog.Duration("delay", fc.Delay))
		t := time.NewTimer(fc.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			closeBody(req)
			return nil, fmt.Errorf("injected delay of %v: %w", fc.Delay, ctx.Err())
		}
	}
	if roll(fc.AbortPercent) {
		c.svc.counters.faultAborts.Add(1)
		f.log.fault(ctx, c.target.Service, "abort", slog.Int("status", fc.AbortStatus))
		closeBody(req)
		return abort(req, fc.AbortStatus), nil
	}
	return f.next.RoundTrip(req)
}

func roll(percent float64) bool { return percent > 0 && rand.Float64()*100 < percent }

func abort(req *http.Request, status int) *http.Response {
	const body = "fault filter abort"
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode: status,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type": {"text/plain"},
			FaultHeader:    {"abort"},
		},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
