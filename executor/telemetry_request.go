package executor

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/planner"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Outcomes of a request, the outcome label of trellis.requests: how far it went and why it
// stopped.
const (
	outcomeOK                = "ok"     // executed, no errors
	outcomeErrors            = "errors" // executed, with errors (partial data, failed fetches)
	outcomeInvalid           = "invalid"
	outcomePersistedNotFound = "persisted_query_not_found" // the first step of APQ
	outcomeUnauthenticated   = "unauthenticated"
	outcomeForbidden         = "forbidden"
	outcomeTooExpensive      = "too_expensive"
	outcomeRateLimited       = "rate_limited"
	outcomePlanFailed        = "plan_failed"
)

// observation is one request as telemetry sees it. It wraps the ResponseWriter to learn the
// status, collects what the stages learn (the operation, the outcome, the subgraphs fetched)
// and writes the span, metrics and log line when the request ends.
type observation struct {
	http.ResponseWriter
	t      *telemetry
	start  time.Time
	span   trace.Span // nil without a tracer
	status int
	// outcome is set by the stage that refused the request; empty once executed.
	outcome string
	op      *planner.Operation // nil until prepared

	mu       sync.Mutex // fetches of one execution run in parallel
	executed bool
	errors   int // GraphQL errors in the executed response
	fetches  []fetchRecord
	fetchBuf [8]fetchRecord // fetches' first array: no allocation for most operations
	// subgraphs are those the execution this request shared fetched (Config.Dedup).
	subgraphs []string
}

// fetchRecord is one subgraph request's measurements. They are recorded when the request
// ends, on its goroutine: fetches run on goroutines of their own, whose small stacks the
// metrics SDK's calls would grow on every request.
type fetchRecord struct {
	service string
	seconds float64
	// failure is the kind of a failed fetch (transport or response), empty for none.
	failure string
}

type observationKey struct{}

// begin starts observing a request: the returned writer and request replace the handler's.
// A gateway without telemetry gets nil and its own w and r back.
func (t *telemetry) begin(w http.ResponseWriter, r *http.Request) (*observation, http.ResponseWriter, *http.Request) {
	if t == nil {
		return nil, w, r
	}
	o := &observation{ResponseWriter: w, t: t, start: time.Now()}
	ctx := context.WithValue(r.Context(), observationKey{}, o)
	if t.tracer != nil {
		ctx = t.prop.Extract(ctx, propagation.HeaderCarrier(r.Header))
		ctx, o.span = t.tracer.Start(ctx, SpanRequest, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
	}
	return o, o, r.WithContext(ctx)
}

// observation returns the request's observation, nil when telemetry is off.
func (g *Gateway) observation(ctx context.Context) *observation {
	if g.tel == nil {
		return nil
	}
	o, _ := ctx.Value(observationKey{}).(*observation)
	return o
}

func (o *observation) WriteHeader(code int) {
	if o.status == 0 {
		o.status = code
	}
	o.ResponseWriter.WriteHeader(code)
}

func (o *observation) Write(b []byte) (int, error) {
	if o.status == 0 {
		o.status = http.StatusOK
	}
	return o.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (o *observation) Unwrap() http.ResponseWriter { return o.ResponseWriter }

// stage starts the span of a stage under the request span; nil without a tracer.
func (o *observation) stage(ctx context.Context, name string) trace.Span {
	if o == nil || o.span == nil {
		return nil
	}
	_, sp := o.t.tracer.Start(ctx, name)
	return sp
}

// endStage ends a stage's span, failed when the stage refused the request.
func endStage(sp trace.Span, rerr *requestError) {
	if sp == nil {
		return
	}
	if rerr != nil {
		sp.SetStatus(codes.Error, rerr.Error())
	}
	sp.End()
}

// endPlan ends the plan span.
func endPlan(sp trace.Span, err error) {
	if sp == nil {
		return
	}
	if err != nil {
		sp.SetStatus(codes.Error, err.Error())
	}
	sp.End()
}

// admitted records the operation once prepared: its name and type label what follows.
func (o *observation) admitted(x *admitted) {
	if o != nil {
		o.op = x.op
	}
}

// estimated records the operation's estimated cost, when cost analysis or rate limiting
// computed one.
func (o *observation) estimated(x *admitted) {
	if o == nil || x.st.cost == nil {
		return
	}
	if o.t.m != nil {
		o.t.m.cost.Record(context.Background(), x.estimated, metric.WithAttributes(attribute.String("operation_type", string(x.op.Kind))))
	}
	if o.span != nil {
		o.span.SetAttributes(attribute.Float64("graphql.operation.cost.estimated", x.estimated))
	}
}

// refused records a request refused before planning.
func (o *observation) refused(rerr *requestError) {
	if o == nil {
		return
	}
	o.outcome = outcomeOf(rerr)
	if o.outcome == outcomeRateLimited && o.t.m != nil {
		o.t.m.rateLimited.Add(context.Background(), 1)
	}
}

// failed records a request that stopped with the given outcome.
func (o *observation) failed(outcome string) {
	if o != nil {
		o.outcome = outcome
	}
}

func outcomeOf(rerr *requestError) string {
	switch rerr.status {
	case http.StatusTooManyRequests:
		return outcomeRateLimited
	case http.StatusUnauthorized:
		return outcomeUnauthenticated
	case http.StatusForbidden:
		return outcomeForbidden
	}
	if len(rerr.errs) > 0 {
		switch rerr.errs[0].Extensions["code"] {
		case cost.CodeEstimatedTooExpensive:
			return outcomeTooExpensive
		case CodePersistedNotFound:
			return outcomePersistedNotFound
		}
	}
	return outcomeInvalid
}

// ran records the execution's outcome: the number of errors in the response.
func (o *observation) ran(errors int) {
	if o == nil {
		return
	}
	o.mu.Lock()
	o.executed, o.errors = true, errors
	o.mu.Unlock()
}

// fetched keeps a subgraph request's measurements for end.
func (o *observation) fetched(r fetchRecord) {
	o.mu.Lock()
	if o.fetches == nil {
		o.fetches = o.fetchBuf[:0]
	}
	o.fetches = append(o.fetches, r)
	o.mu.Unlock()
}

// services lists, sorted, the subgraphs fetched. Called with mu held.
func (o *observation) services() []string {
	if o.subgraphs != nil {
		return o.subgraphs
	}
	out := []string{}
	for _, f := range o.fetches {
		if !slices.Contains(out, f.service) {
			out = append(out, f.service)
		}
	}
	slices.Sort(out) // in the order sent otherwise, which parallel fetches make random
	return out
}

// adopt takes the execution's outcome from the request whose execution this one shared
// (Config.Dedup). The leader's execution has ended: only its end may still run.
func (o *observation) adopt(leader *observation) {
	if o == nil || leader == nil || o == leader {
		return
	}
	leader.mu.Lock()
	executed, errors, subgraphs := leader.executed, leader.errors, leader.services()
	leader.mu.Unlock()
	o.mu.Lock()
	o.executed, o.errors, o.subgraphs = executed, errors, subgraphs
	o.mu.Unlock()
}

// end writes the request's metrics, span and log line.
func (o *observation) end() {
	if o == nil {
		return
	}
	elapsed := time.Since(o.start)
	status := o.status
	if status == 0 {
		status = http.StatusOK
	}
	o.mu.Lock()
	outcome, fetches := o.outcome, o.fetches
	var subgraphs []string
	if o.t.log != nil {
		subgraphs = o.services()
	}
	if outcome == "" {
		outcome = outcomeOK
		if !o.executed || o.errors > 0 {
			outcome = outcomeErrors
		}
	}
	o.mu.Unlock()
	var name, kind string
	if o.op != nil {
		name, kind = o.op.Name, string(o.op.Kind)
	}
	if m := o.t.m; m != nil {
		at := m.requestAttrs(name, kind, outcome)
		m.requests.Add(context.Background(), 1, at)
		m.duration.Record(context.Background(), elapsed.Seconds(), at)
		for _, f := range fetches {
			m.recordFetch(f)
		}
	}
	hash := ""
	if o.op != nil && (o.span != nil || o.t.log != nil) {
		hash = operationHash(o.op.Key)
	}
	traceID := ""
	if o.span != nil {
		o.span.SetAttributes(attribute.String("graphql.operation.name", name), attribute.String("graphql.operation.type", kind),
			attribute.String("graphql.operation.hash", hash), attribute.String("trellis.outcome", outcome),
			attribute.Int("http.response.status_code", status))
		if outcome == outcomeErrors || outcome == outcomePlanFailed {
			o.span.SetStatus(codes.Error, outcome)
		}
		if sc := o.span.SpanContext(); sc.HasTraceID() {
			traceID = sc.TraceID().String()
		}
		o.span.End()
	}
	if o.t.log != nil {
		o.t.log.LogAttrs(context.Background(), slog.LevelInfo, "request",
			slog.String("operation_name", name),
			slog.String("operation_hash", hash),
			slog.String("operation_type", kind),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.Int("status", status),
			slog.String("outcome", outcome),
			slog.Any("subgraphs", subgraphs),
			slog.String("trace_id", traceID))
	}
}

// operationHash names a normalized operation in logs and spans: the first 16 hex digits of
// the SHA-256 of its canonical text, equal for equal operations however they were written.
func operationHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return fmt.Sprintf("%x", sum[:8])
}
