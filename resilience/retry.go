package resilience

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/trellis-gql/trellis/resilience/identity"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryConfig configures retries. A request is retried only when its Target is Idempotent,
// its body can be sent again (http.Request.GetBody, at most MaxBodyBytes), its context is not
// done, another endpoint is available (a retry never goes to an endpoint already tried), the
// budget allows, and the try failed with a connection error (refused, reset, closed, TLS
// handshake, the try's timeout), 502, 503 or 504, or 429 whose Retry-After (0 when absent)
// ends before the deadline — the client waits for it.
type RetryConfig struct {
	// MaxAttempts bounds the tries of one request, the first included; 1 disables retries.
	// Default 3 (Google SRE book).
	MaxAttempts int
	// BudgetRatio is the share of requests that may be retried, over BudgetTTL. Default 0.2
	// (Linkerd).
	BudgetRatio float64
	// BudgetMinPerSecond is the retry rate allowed on top of BudgetRatio, so that a service
	// with little traffic can still retry. Default 10 (Linkerd).
	BudgetMinPerSecond float64
	// BudgetTTL is the period over which requests and retries are counted. Between 1s and
	// 60s. Default 10s (Linkerd).
	BudgetTTL time.Duration
	// MaxBodyBytes is the largest request body that is retried. Default 64 KiB (Linkerd).
	MaxBodyBytes int64
}

// DefaultRetryConfig returns Linkerd's budget with at most 3 attempts.
func DefaultRetryConfig() RetryConfig {
	return RetryConfig{MaxAttempts: 3, BudgetRatio: 0.2, BudgetMinPerSecond: 10, BudgetTTL: 10 * time.Second, MaxBodyBytes: 64 << 10}
}

// Validate reports every invalid setting.
func (c RetryConfig) Validate() error {
	var cs checks
	cs.add(c.MaxAttempts >= 1 && c.MaxAttempts <= 10, "resilience.retry.max_attempts", "must be between 1 (no retry) and 10, e.g. 3; got %d", c.MaxAttempts)
	cs.between("resilience.retry.budget_ratio", c.BudgetRatio, 0, 10, "0.2")
	cs.between("resilience.retry.budget_min_per_second", c.BudgetMinPerSecond, 0, 1e6, "10")
	cs.add(c.BudgetTTL >= time.Second && c.BudgetTTL <= time.Minute, "resilience.retry.budget_ttl", "must be between 1s and 1m, e.g. 10s; got %v", c.BudgetTTL)
	cs.add(c.MaxBodyBytes >= 0, "resilience.retry.max_body_bytes", "must be 0 or positive, e.g. 65536; got %d", c.MaxBodyBytes)
	return cs.err()
}

// retrier is the retry layer.
type retrier struct {
	next   http.RoundTripper
	cfg    RetryConfig
	perTry time.Duration
	log    *logger
}

func (r *retrier) RoundTrip(req *http.Request) (*http.Response, error) {
	c := callFrom(req.Context())
	c.svc.budget.deposit(time.Now())
	if !c.target.Idempotent {
		return r.onceMore(req, c)
	}
	if r.cfg.MaxAttempts < 2 || !r.replayable(req) {
		return r.next.RoundTrip(req)
	}
	ctx := req.Context()
	resp, err := r.try(req)
	for attempt := 2; attempt <= r.cfg.MaxAttempts; attempt++ {
		wait, reason, ok := r.retryable(ctx, c, resp, err)
		if !ok {
			break
		}
		if !c.svc.budget.withdraw(time.Now()) {
			c.svc.counters.retriesRefused.Add(1)
			r.log.retryRefused(ctx, c.target.Service, reason)
			break
		}
		var nresp *http.Response
		nreq, nerr := r.again(ctx, req, wait)
		if nerr == nil {
			r.log.retry(ctx, c.target.Service, attempt, reason)
			nresp, nerr = r.try(nreq)
		}
		if isRefusal(nerr) {
			// Nothing was sent: the endpoints changed, or the context ended while waiting.
			// The previous outcome says more.
			c.svc.budget.refund(time.Now())
			break
		}
		c.svc.counters.retries.Add(1)
		discard(resp)
		resp, err = nresp, nerr
	}
	return resp, err
}

// onceMore sends a request that is not idempotent, and sends it again to another endpoint
// only when the first try provably sent nothing (see Target.Body).
func (r *retrier) onceMore(req *http.Request, c *call) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	ctx := req.Context()
	if err == nil || c.target.Body == nil || r.cfg.MaxAttempts < 2 || !notSent(err) || ctx.Err() != nil || c.others <= 0 {
		return resp, err
	}
	if !c.svc.budget.withdraw(time.Now()) {
		c.svc.counters.retriesRefused.Add(1)
		return resp, err
	}
	next := req.WithContext(ctx)
	next.Body = io.NopCloser(bytes.NewReader(c.target.Body))
	next.ContentLength = int64(len(c.target.Body))
	next.GetBody = nil
	r.log.retry(ctx, c.target.Service, 2, "not sent: "+err.Error())
	nresp, nerr := r.next.RoundTrip(next)
	if isRefusal(nerr) {
		c.svc.budget.refund(time.Now())
		return resp, err
	}
	c.svc.counters.retries.Add(1)
	return nresp, nerr
}

// notSent reports an error that proves the request never reached the endpoint: the
// connection could not be made, or the TLS handshake refused the endpoint.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var pe *identity.PeerError
	return errors.As(err, &pe)
}

// again waits for wait and returns the request of the next try, with a new body.
func (r *retrier) again(ctx context.Context, req *http.Request, wait time.Duration) (*http.Request, error) {
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, refused{ctx.Err()}
		}
	}
	next := req.WithContext(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, refused{fmt.Errorf("request body for a retry: %w", err)}
		}
		next.Body = body
	}
	return next, nil
}

// try sends one try, under the per-try timeout when there is one.
func (r *retrier) try(req *http.Request) (*http.Response, error) {
	if r.perTry <= 0 {
		return r.next.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), r.perTry)
	resp, err := r.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

func (r *retrier) replayable(req *http.Request) bool {
	if req.Body == nil || req.Body == http.NoBody {
		return true
	}
	return req.GetBody != nil && req.ContentLength >= 0 && req.ContentLength <= r.cfg.MaxBodyBytes
}

// retryable decides on the outcome of a try: whether to retry, after how long, and why.
func (r *retrier) retryable(ctx context.Context, c *call, resp *http.Response, err error) (time.Duration, string, bool) {
	if ctx.Err() != nil || c.others <= 0 {
		return 0, "", false
	}
	if err != nil {
		return 0, err.Error(), !isRefusal(err)
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return 0, resp.Status, true
	case http.StatusTooManyRequests:
		now := time.Now()
		wait, _ := parseRetryAfter(resp.Header, now)
		if dl, ok := ctx.Deadline(); ok && !now.Add(wait).Before(dl) {
			return 0, "", false
		}
		return wait, resp.Status, true
	}
	return 0, "", false
}

// refused is an error of a try that sent nothing and is no reason to retry.
type refused struct{ error }

func (r refused) Unwrap() error { return r.error }

// isRefusal is a try that sent nothing: the client refused it (breakers, no endpoint) or
// could not prepare it.
func isRefusal(err error) bool {
	var u *UnavailableError
	var f refused
	return err != nil && (errors.As(err, &u) || errors.As(err, &f))
}

// parseRetryAfter reads Retry-After, in seconds or as an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, 1<<20)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// discard drains a little of a response nobody will read, so that its connection can be
// reused, and closes it.
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	_ = resp.Body.Close()
}
