package executor

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// fetchObservation is one subgraph request as telemetry sees it. It is a value, so that a
// gateway without telemetry allocates nothing for it.
type fetchObservation struct {
	t       *telemetry // nil when telemetry is off
	req     *observation
	service string
	start   time.Time
	span    trace.Span    // nil without a tracer
	tries   *atomic.Int64 // connections got, one per try; nil without a tracer
	status  int           // of the response, 0 for none
	url     *url.URL      // the instance the response came from
}

// startFetch starts observing a subgraph request. The returned context carries the fetch
// span and, to count the resilience client's tries, an httptrace hook: the request must
// be made with it.
func (g *Gateway) startFetch(ctx context.Context, service string) (context.Context, fetchObservation) {
	t := g.tel
	if t == nil {
		return ctx, fetchObservation{}
	}
	f := fetchObservation{t: t, req: g.observation(ctx), service: service, start: time.Now()}
	if t.tracer != nil {
		ctx, f.span = t.tracer.Start(ctx, SpanFetch, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("subgraph.name", service), attribute.String("http.request.method", http.MethodPost)))
		span, tries := f.span, new(atomic.Int64)
		f.tries = tries
		// Each try of the resilience client (whose code the executor does not see) gets a
		// connection, fresh or reused, for HTTP/1 and HTTP/2 alike.
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			attrs := []attribute.KeyValue{attribute.Int64("attempt", tries.Add(1)), attribute.Bool("connection.reused", info.Reused)}
			if info.Conn != nil {
				attrs = append(attrs, attribute.String("network.peer.address", info.Conn.RemoteAddr().String()))
			}
			span.AddEvent(EventAttempt, trace.WithAttributes(attrs...))
		}})
	}
	return ctx, f
}

// inject writes the fetch span's W3C traceparent (and tracestate) into the request.
func (f *fetchObservation) inject(req *http.Request) {
	if f.span != nil {
		f.t.prop.Inject(req.Context(), propagation.HeaderCarrier(req.Header))
	}
}

// responded records the response's status and the instance that sent it.
func (f *fetchObservation) responded(resp *http.Response) {
	if f.t == nil {
		return
	}
	f.status = resp.StatusCode
	if resp.Request != nil {
		f.url = resp.Request.URL
	}
}

// end records the fetch: err is the request's failure, nil when the subgraph answered a
// GraphQL response.
func (f *fetchObservation) end(err error) {
	if f.t == nil {
		return
	}
	r := fetchRecord{service: f.service, seconds: time.Since(f.start).Seconds()}
	if err != nil {
		r.failure = "transport"
		if f.status != 0 {
			r.failure = "response"
		}
	}
	switch {
	case f.req != nil:
		f.req.fetched(r)
	case f.t.m != nil:
		f.t.m.recordFetch(r)
	}
	if f.span == nil {
		return
	}
	if f.url != nil {
		f.span.SetAttributes(attribute.String("url.full", f.url.Redacted()))
	}
	if f.status != 0 {
		f.span.SetAttributes(attribute.Int("http.response.status_code", f.status))
	}
	f.span.SetAttributes(attribute.Int64("subgraph.attempts", f.tries.Load()))
	if err != nil {
		f.span.RecordError(err)
		f.span.SetStatus(codes.Error, err.Error())
	}
	f.span.End()
}

// recordFetch records one subgraph request's metrics.
func (m *instruments) recordFetch(r fetchRecord) {
	outcome := "ok"
	if r.failure != "" {
		outcome = "error"
		m.fetchErrors.Add(context.Background(), 1, metric.WithAttributes(attribute.String("subgraph", r.service), attribute.String("kind", r.failure)))
	}
	m.fetches.Record(context.Background(), r.seconds, m.fetchAttrs(r.service, outcome))
}
