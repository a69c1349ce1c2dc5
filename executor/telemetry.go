package executor

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TelemetryConfig says where a gateway's spans, metrics and request log lines go. The zero
// value records nothing and costs nothing on the request path: the executor never falls
// back to OpenTelemetry's global providers. Every span, metric and log key is listed in
// docs/observability.md.
type TelemetryConfig struct {
	// Tracer creates a graphql.request span per request, with graphql.parse,
	// graphql.validate, graphql.plan and one subgraph.fetch per subgraph request under it.
	// The request span continues the trace of the client's W3C traceparent header, and each
	// subgraph request carries the fetch span's traceparent. nil: no spans are created and
	// no trace headers are read or sent.
	Tracer trace.TracerProvider
	// Meter records the request, fetch, cache, rate-limit and cost metrics. nil: none.
	Meter metric.MeterProvider
	// RequestLog writes one Info record per request, message "request", to the gateway's
	// logger: operation name and hash, duration, status, subgraphs fetched, trace id.
	RequestLog bool
}

func (c TelemetryConfig) on() bool { return c.Tracer != nil || c.Meter != nil || c.RequestLog }

// Span names.
const (
	SpanRequest  = "graphql.request"
	SpanParse    = "graphql.parse"
	SpanValidate = "graphql.validate"
	SpanPlan     = "graphql.plan"
	SpanFetch    = "subgraph.fetch"
	// EventAttempt is the fetch span's event for each connection a try of the request got:
	// more than one when the resilience client retried.
	EventAttempt = "subgraph.attempt"
)

// instrumentation is the scope name of the executor's tracer and meter.
const instrumentation = "github.com/trellis-gql/trellis/executor"

// telemetry is a gateway's tracer, instruments and request log. A gateway without
// telemetry has a nil *telemetry; each part is nil when off.
type telemetry struct {
	tracer trace.Tracer // nil: no spans
	prop   propagation.TraceContext
	m      *instruments // nil: no metrics
	log    *slog.Logger // nil: no request log
	reg    metric.Registration
}

// instruments are the synchronous metrics recorded on the request path.
type instruments struct {
	requests    metric.Int64Counter
	duration    metric.Float64Histogram
	fetches     metric.Float64Histogram
	fetchErrors metric.Int64Counter
	rateLimited metric.Int64Counter
	cost        metric.Float64Histogram

	// The label sets seen, so that recording one allocates nothing.
	requestLabels labelCache[requestLabels]
	fetchLabels   labelCache[fetchLabels]
}

type requestLabels struct{ name, kind, outcome string }

type fetchLabels struct{ subgraph, outcome string }

// labelCache keeps the measurement option of each label set seen. It holds at most
// maxLabelSets: past that (operation names are the client's to choose) options are built
// per measurement, and the SDK's cardinality limit folds the extra series into one.
type labelCache[K comparable] struct {
	mu sync.RWMutex
	m  map[K]metric.MeasurementOption
}

const maxLabelSets = 1000

func (c *labelCache[K]) get(k K, attrs func() []attribute.KeyValue) metric.MeasurementOption {
	c.mu.RLock()
	opt, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return opt
	}
	opt = metric.WithAttributeSet(attribute.NewSet(attrs()...))
	c.mu.Lock()
	if c.m == nil {
		c.m = map[K]metric.MeasurementOption{}
	}
	if len(c.m) < maxLabelSets {
		c.m[k] = opt
	}
	c.mu.Unlock()
	return opt
}

func (m *instruments) requestAttrs(name, kind, outcome string) metric.MeasurementOption {
	return m.requestLabels.get(requestLabels{name, kind, outcome}, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("operation_name", name), attribute.String("operation_type", kind),
			attribute.String("outcome", outcome)}
	})
}

func (m *instruments) fetchAttrs(subgraph, outcome string) metric.MeasurementOption {
	return m.fetchLabels.get(fetchLabels{subgraph, outcome}, func() []attribute.KeyValue {
		return []attribute.KeyValue{attribute.String("subgraph", subgraph), attribute.String("outcome", outcome)}
	})
}

// Bucket boundaries: durations in seconds (OpenTelemetry's HTTP semantic conventions, with
// a finer start, as most fetches take milliseconds), and costs in points.
var (
	durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}
	costBuckets     = []float64{0, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000, 100000}
)

// newTelemetry builds the gateway's telemetry, or nil when cfg records nothing.
func newTelemetry(cfg TelemetryConfig, g *Gateway) (*telemetry, error) {
	if !cfg.on() {
		return nil, nil
	}
	t := &telemetry{}
	if cfg.Tracer != nil {
		t.tracer = cfg.Tracer.Tracer(instrumentation)
	}
	if cfg.RequestLog {
		t.log = g.log
	}
	if cfg.Meter != nil {
		meter := cfg.Meter.Meter(instrumentation)
		var err error
		if t.m, err = newInstruments(meter); err != nil {
			return nil, fmt.Errorf("telemetry: %w", err)
		}
		if t.reg, err = observeCaches(meter, g); err != nil {
			return nil, fmt.Errorf("telemetry: %w", err)
		}
	}
	return t, nil
}

func newInstruments(meter metric.Meter) (*instruments, error) {
	m := &instruments{}
	var err error
	if m.requests, err = meter.Int64Counter("trellis.requests", metric.WithUnit("{request}"),
		metric.WithDescription("GraphQL requests answered, by operation name, type and outcome")); err != nil {
		return nil, err
	}
	if m.duration, err = meter.Float64Histogram("trellis.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Time to answer a GraphQL request, by operation name, type and outcome"),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return nil, err
	}
	if m.fetches, err = meter.Float64Histogram("trellis.subgraph.fetch.duration", metric.WithUnit("s"),
		metric.WithDescription("Time of one subgraph request, retries included, by subgraph and outcome"),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return nil, err
	}
	if m.fetchErrors, err = meter.Int64Counter("trellis.subgraph.fetch.errors", metric.WithUnit("{request}"),
		metric.WithDescription("Subgraph requests that failed, by subgraph and kind: transport (no response) or response (not a GraphQL response)")); err != nil {
		return nil, err
	}
	if m.rateLimited, err = meter.Int64Counter("trellis.rate_limit.rejections", metric.WithUnit("{request}"),
		metric.WithDescription("Operations refused by the rate limiter (HTTP 429)")); err != nil {
		return nil, err
	}
	if m.cost, err = meter.Float64Histogram("trellis.operation.cost", metric.WithUnit("{point}"),
		metric.WithDescription("Estimated cost of the operations admitted or refused, by operation type"),
		metric.WithExplicitBucketBoundaries(costBuckets...)); err != nil {
		return nil, err
	}
	return m, nil
}

// observeCaches exports CacheStats as counters, and the hit ratio since start as a gauge,
// each labelled with the cache's name.
func observeCaches(meter metric.Meter, g *Gateway) (metric.Registration, error) {
	hits, err := meter.Int64ObservableCounter("trellis.cache.hits", metric.WithUnit("{lookup}"),
		metric.WithDescription("Cache lookups that found the entry, by cache"))
	if err != nil {
		return nil, err
	}
	misses, err := meter.Int64ObservableCounter("trellis.cache.misses", metric.WithUnit("{lookup}"),
		metric.WithDescription("Cache lookups that did not find the entry, by cache"))
	if err != nil {
		return nil, err
	}
	evictions, err := meter.Int64ObservableCounter("trellis.cache.evictions", metric.WithUnit("{entry}"),
		metric.WithDescription("Entries dropped to make room, by cache"))
	if err != nil {
		return nil, err
	}
	ratio, err := meter.Float64ObservableGauge("trellis.cache.hit_ratio", metric.WithUnit("1"),
		metric.WithDescription("Hits over lookups since the gateway started, by cache (0 before any lookup)"))
	if err != nil {
		return nil, err
	}
	return meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for name, s := range g.CacheStats() {
			at := metric.WithAttributes(attribute.String("cache", name))
			o.ObserveInt64(hits, int64(s.Hits), at)
			o.ObserveInt64(misses, int64(s.Misses), at)
			o.ObserveInt64(evictions, int64(s.Evictions), at)
			r := 0.0
			if n := s.Hits + s.Misses; n > 0 {
				r = float64(s.Hits) / float64(n)
			}
			o.ObserveFloat64(ratio, r, at)
		}
		return nil
	}, hits, misses, evictions, ratio)
}

// close unregisters the cache callback.
func (t *telemetry) close() {
	if t != nil && t.reg != nil {
		t.reg.Unregister()
	}
}
