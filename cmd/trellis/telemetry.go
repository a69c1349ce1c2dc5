package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// telemetrySettings is trellis.yaml's telemetry section with its defaults, checked
// (fileConfig.telemetry).
type telemetrySettings struct {
	exporter    string // none, otlp-grpc or otlp-http
	endpoint    string // empty: the exporter's default, or OTEL_EXPORTER_OTLP_* variables
	sampleRatio float64
	metrics     bool
	metricsPath string
	logFormat   string // text or json
	requestLog  bool
}

// gatewayTelemetry is what serve builds from the telemetry section: the logger, the
// OpenTelemetry providers the executor records to, and the /metrics and /ready endpoints.
type gatewayTelemetry struct {
	settings telemetrySettings
	log      *slog.Logger
	tracer   *sdktrace.TracerProvider // nil: exporter none
	meter    *sdkmetric.MeterProvider // nil: metrics off
	metrics  http.Handler             // Prometheus text of meter and of the Go runtime
	regs     []metric.Registration
	// ready is set once the gateway serves, and cleared when it starts draining.
	ready atomic.Bool
}

// startTelemetry builds the logger on stderr and the providers ts asks for.
func startTelemetry(ctx context.Context, ts telemetrySettings, stderr io.Writer) (*gatewayTelemetry, error) {
	t := &gatewayTelemetry{settings: ts, log: slog.New(slog.NewTextHandler(stderr, nil))}
	if ts.logFormat == "json" {
		t.log = slog.New(slog.NewJSONHandler(stderr, nil))
	}
	if ts.exporter == "none" && !ts.metrics {
		return t, nil
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "trellis")),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
		resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("telemetry: resource: %w", err)
	}
	log := t.log
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("telemetry export failed", "error", err.Error()) }))
	if ts.exporter != "none" {
		exp, err := spanExporter(ctx, ts)
		if err != nil {
			return nil, fmt.Errorf("telemetry.traces: %w", err)
		}
		t.tracer = sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res),
			sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ts.sampleRatio))))
	}
	if ts.metrics {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		exp, err := otelprom.New(otelprom.WithRegisterer(reg))
		if err != nil {
			t.shutdown(ctx)
			return nil, fmt.Errorf("telemetry.metrics: %w", err)
		}
		t.meter = sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithResource(res))
		t.metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	}
	return t, nil
}

// spanExporter connects lazily: a collector that is down loses spans (logged), it does not
// stop the gateway.
func spanExporter(ctx context.Context, ts telemetrySettings) (sdktrace.SpanExporter, error) {
	if ts.exporter == "otlp-grpc" {
		var opts []otlptracegrpc.Option
		if ts.endpoint != "" {
			opts = append(opts, otlptracegrpc.WithEndpointURL(ts.endpoint))
		}
		return otlptracegrpc.New(ctx, opts...)
	}
	var opts []otlptracehttp.Option
	if ts.endpoint != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(otlpHTTPURL(ts.endpoint)))
	}
	return otlptracehttp.New(ctx, opts...)
}

// otlpHTTPURL appends the traces path to a collector's base URL, as
// OTEL_EXPORTER_OTLP_ENDPOINT does; a URL with a path is used as it is.
func otlpHTTPURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return endpoint
	}
	u.Path = "/v1/traces"
	return u.String()
}

// executorConfig is the executor's view: providers, or nil for what is off.
func (t *gatewayTelemetry) executorConfig() executor.TelemetryConfig {
	tc := executor.TelemetryConfig{RequestLog: t.settings.requestLog}
	if t.tracer != nil {
		tc.Tracer = t.tracer
	}
	if t.meter != nil {
		tc.Meter = t.meter
	}
	return tc
}

// observeClient exports the resilience client's view of the subgraphs: instances by breaker
// state, retries, retries the budget refused, and requests failed fast. client is nil
// without the mesh or the resilience section: there are no breakers then.
//
// current returns the supergraph served now (nil before the first one), read at each
// collection so that the instance gauges follow the supergraphs a registry swaps in. It runs
// inside the metric SDK's collection, which holds the SDK's lock: it must not block, and in
// particular must not wait for a gateway being built (building registers instruments, which
// takes that lock).
func (t *gatewayTelemetry) observeClient(current func() *supergraph.Supergraph, client *resilience.Client) error {
	if t.meter == nil || client == nil {
		return nil
	}
	meter := t.meter.Meter("github.com/trellis-gql/trellis/resilience")
	instances, err := meter.Int64ObservableGauge("trellis.subgraph.instances", metric.WithUnit("{instance}"),
		metric.WithDescription("Instances of each subgraph the client routes to, by breaker state: closed, open, half-open"))
	if err != nil {
		return err
	}
	retries, err := meter.Int64ObservableCounter("trellis.subgraph.retries", metric.WithUnit("{request}"),
		metric.WithDescription("Tries after the first, by subgraph"))
	if err != nil {
		return err
	}
	refused, err := meter.Int64ObservableCounter("trellis.subgraph.retries.refused", metric.WithUnit("{request}"),
		metric.WithDescription("Retries the retry budget did not allow, by subgraph"))
	if err != nil {
		return err
	}
	failedFast, err := meter.Int64ObservableCounter("trellis.subgraph.failed_fast", metric.WithUnit("{request}"),
		metric.WithDescription("Tries refused without being sent (every instance ejected, or none known), by subgraph"))
	if err != nil {
		return err
	}
	states := []resilience.BreakerState{resilience.StateClosed, resilience.StateOpen, resilience.StateHalfOpen}
	reg, err := meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		snap := client.Snapshot()
		var graphs []*supergraph.Graph
		if sg := current(); sg != nil {
			graphs = sg.Graphs
		}
		for _, g := range graphs {
			count := map[resilience.BreakerState]int64{}
			for _, e := range snap[g.Name] {
				if e.Listed || e.URL == g.URL { // as /trellis/status: not those gossip dropped
					count[e.Breaker]++
				}
			}
			for _, s := range states {
				o.ObserveInt64(instances, count[s], metric.WithAttributes(attribute.String("subgraph", g.Name), attribute.String("breaker", string(s))))
			}
		}
		for name, c := range client.Counters() {
			at := metric.WithAttributes(attribute.String("subgraph", name))
			o.ObserveInt64(retries, int64(c.Retries), at)
			o.ObserveInt64(refused, int64(c.RetriesRefused), at)
			o.ObserveInt64(failedFast, int64(c.FailedFast), at)
		}
		return nil
	}, instances, retries, refused, failedFast)
	if err != nil {
		return err
	}
	t.regs = append(t.regs, reg)
	return nil
}

// routes adds GET /ready and, when metrics are on, the metrics path to the gateway's routes.
func (t *gatewayTelemetry) routes(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ready", t.serveReady)
	if t.metrics != nil {
		mux.Handle("GET "+t.settings.metricsPath, t.metrics)
	}
	mux.Handle("/", next)
	return mux
}

// serveReady answers 200 once the supergraph is loaded and the listener is up, 503 before and
// while draining: a load balancer stops sending requests, /health still says the process
// lives.
func (t *gatewayTelemetry) serveReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !t.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"unavailable"}`)
		return
	}
	io.WriteString(w, `{"status":"ready"}`)
}

// shutdown flushes the spans still batched and stops the providers, within 5 seconds; what
// fails is logged too (serve has nowhere else to report it).
func (t *gatewayTelemetry) shutdown(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			t.log.Warn("telemetry shutdown", "error", err.Error())
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var errs []error
	for _, r := range t.regs {
		errs = append(errs, r.Unregister())
	}
	if t.tracer != nil {
		errs = append(errs, t.tracer.Shutdown(ctx))
	}
	if t.meter != nil {
		errs = append(errs, t.meter.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
