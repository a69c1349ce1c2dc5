package executor_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// entityCase is a products root fetch followed by a reviews entity fetch.
const entityCase = "../testdata/federation/112-entity-single-key"

const topReviews = `{"query":"query Top { topProducts { name reviews { body } } }"}`

// tracedSubgraphs are a case's subgraphs behind servers that record the traceparent header
// each request arrives with.
type tracedSubgraphs struct {
	mu      sync.Mutex
	headers map[string][]string // subgraph name -> traceparent of each request
	urls    map[string]string   // subgraph name -> URL
}

func (s *tracedSubgraphs) received(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.headers[name])
}

// telemetryGateway starts dir's subgraphs behind header-recording servers and a gateway on
// them configured by set, logging to log.
func telemetryGateway(t *testing.T, dir string, log *slog.Logger, set func(*executor.Config)) (*executor.Gateway, *tracedSubgraphs) {
	t.Helper()
	c := startCase(t, dir)
	ts := &tracedSubgraphs{headers: map[string][]string{}, urls: map[string]string{}}
	graphRe := regexp.MustCompile(`name:\s*"([^"]+)",\s*url:\s*"[^"]*"`)
	sdl := graphRe.ReplaceAllStringFunc(c.sdl, func(m string) string {
		name := graphRe.FindStringSubmatch(m)[1]
		sub := c.subgraphs[name]
		if sub == nil {
			return m
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ts.mu.Lock()
			ts.headers[name] = append(ts.headers[name], r.Header.Get("Traceparent"))
			ts.mu.Unlock()
			sub.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		ts.urls[name] = srv.URL
		return fmt.Sprintf(`name: %q, url: %q`, name, srv.URL)
	})
	sg, err := supergraph.Load(filepath.Join(dir, "supergraph.graphql"), sdl)
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	set(&cfg)
	gw, err := executor.New(cfg, sg, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	return gw, ts
}

func tracerProvider(t *testing.T) (*sdktrace.TracerProvider, *tracetest.SpanRecorder) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { tp.Shutdown(t.Context()) })
	return tp, rec
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, a := range s.Attributes() {
		if string(a.Key) == key {
			return a.Value.String()
		}
	}
	return ""
}

// traceparentOf splits a W3C traceparent header: version-traceid-parentid-flags.
func traceparentOf(t *testing.T, h string) (traceID, parentID string) {
	t.Helper()
	parts := strings.Split(h, "-")
	if len(parts) != 4 || parts[0] != "00" || len(parts[1]) != 32 || len(parts[2]) != 16 {
		t.Fatalf("traceparent %q is not 00-TRACEID-PARENTID-FLAGS", h)
	}
	return parts[1], parts[2]
}

// TestTelemetrySpans: one request makes a request span with the stages and one fetch span
// per subgraph request under it; each subgraph request carries the trace in traceparent,
// with its fetch span as parent; a client's traceparent is continued.
func TestTelemetrySpans(t *testing.T) {
	tp, rec := tracerProvider(t)
	gw, subs := telemetryGateway(t, entityCase, nil, func(cfg *executor.Config) { cfg.Telemetry.Tracer = tp })
	const clientTrace, clientSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	for _, incoming := range []string{"", "00-" + clientTrace + "-" + clientSpan + "-01"} {
		t.Run(fmt.Sprintf("traceparent=%q", incoming), func(t *testing.T) {
			rec.Reset()
			for name := range subs.urls {
				subs.mu.Lock()
				subs.headers[name] = nil
				subs.mu.Unlock()
			}
			var headers []string
			if incoming != "" {
				headers = []string{"traceparent", incoming}
			}
			if status, _, body := send(gw, topReviews, headers...); status != 200 || !strings.Contains(body, `"body"`) || strings.Contains(body, "errors") {
				t.Fatalf("%d %s", status, body)
			}
			spans := rec.Ended()
			var req sdktrace.ReadOnlySpan
			var names []string
			for _, s := range spans {
				names = append(names, s.Name())
				if s.Name() == executor.SpanRequest {
					req = s
				}
			}
			slices.Sort(names)
			want := []string{executor.SpanRequest, executor.SpanParse, executor.SpanPlan, executor.SpanValidate, executor.SpanFetch, executor.SpanFetch}
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Fatalf("spans %v, want %v", names, want)
			}
			if req.SpanKind() != trace.SpanKindServer || attr(req, "graphql.operation.name") != "Top" ||
				attr(req, "graphql.operation.type") != "query" || attr(req, "http.response.status_code") != "200" ||
				attr(req, "trellis.outcome") != "ok" || len(attr(req, "graphql.operation.hash")) != 16 {
				t.Errorf("request span: kind %v attributes %v", req.SpanKind(), req.Attributes())
			}
			if incoming == "" {
				if req.Parent().IsValid() {
					t.Errorf("request span has a parent %v without a traceparent", req.Parent())
				}
			} else if req.SpanContext().TraceID().String() != clientTrace || req.Parent().SpanID().String() != clientSpan || !req.Parent().IsRemote() {
				t.Errorf("the client's trace is not continued: trace %s parent %v", req.SpanContext().TraceID(), req.Parent())
			}
			fetchIDs := map[string]string{} // fetch span ID -> subgraph
			for _, s := range spans {
				if s == req {
					continue
				}
				if s.Parent().SpanID() != req.SpanContext().SpanID() || s.SpanContext().TraceID() != req.SpanContext().TraceID() {
					t.Errorf("%s: parent %v, want the request span %v", s.Name(), s.Parent().SpanID(), req.SpanContext().SpanID())
				}
				if s.Name() != executor.SpanFetch {
					continue
				}
				name := attr(s, "subgraph.name")
				fetchIDs[s.SpanContext().SpanID().String()] = name
				if s.SpanKind() != trace.SpanKindClient || attr(s, "url.full") != subs.urls[name] ||
					attr(s, "http.response.status_code") != "200" || attr(s, "subgraph.attempts") != "1" {
					t.Errorf("fetch span of %q: kind %v attributes %v", name, s.SpanKind(), s.Attributes())
				}
				if ev := s.Events(); len(ev) != 1 || ev[0].Name != executor.EventAttempt {
					t.Errorf("fetch span of %q: events %v, want one %s", name, ev, executor.EventAttempt)
				}
			}
			for _, name := range []string{"products", "reviews"} {
				got := subs.received(name)
				if len(got) != 1 {
					t.Fatalf("%s received %d requests, want 1", name, len(got))
				}
				traceID, parent := traceparentOf(t, got[0])
				if traceID != req.SpanContext().TraceID().String() || fetchIDs[parent] != name {
					t.Errorf("%s received traceparent %s: want trace %s and the parent its fetch span (fetch spans %v)",
						name, got[0], req.SpanContext().TraceID(), fetchIDs)
				}
			}
		})
	}
}

// TestTelemetryOffSendsNoTraceparent: without a tracer nothing is read or sent, not even the
// client's traceparent.
func TestTelemetryOffSendsNoTraceparent(t *testing.T) {
	gw, subs := telemetryGateway(t, entityCase, nil, func(*executor.Config) {})
	send(gw, topReviews, "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if got := subs.received("products"); len(got) != 1 || got[0] != "" {
		t.Fatalf("products received traceparent %q", got)
	}
}

// TestTelemetryFetchSpanFailure: a subgraph that cannot be reached ends its fetch span with
// the error, no status code and no attempt.
func TestTelemetryFetchSpanFailure(t *testing.T) {
	tp, rec := tracerProvider(t)
	gw := limitedGateway(t, refusedURL(t), func(cfg *executor.Config) { cfg.Telemetry.Tracer = tp })
	status, _, body := send(gw, `{"query":"{ topProducts { name inStock } }"}`)
	if status != 200 || !strings.Contains(body, "SUBREQUEST_HTTP_ERROR") {
		t.Fatalf("%d %s", status, body)
	}
	failed := 0
	for _, s := range rec.Ended() {
		if s.Name() != executor.SpanFetch || attr(s, "subgraph.name") != "inventory" {
			continue
		}
		failed++
		if s.Status().Code.String() != "Error" || attr(s, "http.response.status_code") != "" || attr(s, "subgraph.attempts") != "0" {
			t.Errorf("failed fetch span: status %v attributes %v", s.Status(), s.Attributes())
		}
	}
	if failed != 1 {
		t.Fatalf("%d inventory fetch spans, want 1", failed)
	}
}

// scrape serves the registry as Prometheus does.
func scrape(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	return rec.Body.String()
}

// sample returns the value of the series name whose labels include want, or -1.
func sample(text, name string, want ...string) float64 {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		labels, value := "", rest
		if strings.HasPrefix(rest, "{") {
			end := strings.LastIndex(rest, "}")
			labels, value = rest[:end+1], rest[end+1:]
		}
		if !slices.ContainsFunc(want, func(l string) bool { return !strings.Contains(labels, l) }) {
			v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

func meterProvider(t *testing.T) (*sdkmetric.MeterProvider, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	t.Cleanup(func() { mp.Shutdown(t.Context()) })
	return mp, reg
}

// TestTelemetryMetrics: the request counter and histogram, the fetch histogram, the cache
// counters, the cost histogram and, after a 429, the rate-limit counter, as Prometheus
// scrapes them.
func TestTelemetryMetrics(t *testing.T) {
	mp, reg := meterProvider(t)
	gw, _ := caseGateway(t, func(cfg *executor.Config) {
		cfg.Telemetry.Meter = mp
		cfg.RateLimit.Enabled = true
		cfg.RateLimit.Budgets.Limit = 25
		cfg.RateLimit.Budgets.Window = time.Hour
	})
	for i, want := range []int{200, 200, http.StatusTooManyRequests} {
		if status, _, body := send(gw, `{"query":"query Top { topProducts { name } }"}`); status != want {
			t.Fatalf("request %d: %d %s", i, status, body)
		}
	}
	send(gw, `{"query":"{ nope }"}`)
	text := scrape(t, reg)
	checks := []struct {
		name   string
		labels []string
		want   float64 // -2: any value > 0
	}{
		{"trellis_requests_total", []string{`operation_name="Top"`, `operation_type="query"`, `outcome="ok"`}, 2},
		{"trellis_requests_total", []string{`operation_name="Top"`, `outcome="rate_limited"`}, 1},
		{"trellis_requests_total", []string{`operation_name=""`, `outcome="invalid"`}, 1},
		{"trellis_request_duration_seconds_count", []string{`operation_name="Top"`, `outcome="ok"`}, 2},
		{"trellis_request_duration_seconds_bucket", []string{`outcome="ok"`, `le="+Inf"`}, 2},
		{"trellis_subgraph_fetch_duration_seconds_count", []string{`subgraph="products"`, `outcome="ok"`}, 2},
		{"trellis_subgraph_fetch_duration_seconds_sum", []string{`subgraph="products"`}, -2},
		{"trellis_rate_limit_rejections_total", nil, 1},
		{"trellis_operation_cost_count", []string{`operation_type="query"`}, 3},
		{"trellis_operation_cost_sum", []string{`operation_type="query"`}, 30},
		{"trellis_cache_misses_total", []string{`cache="documents"`}, -2},
		{"trellis_cache_hits_total", []string{`cache="plans"`}, -3},
		{"trellis_cache_evictions_total", []string{`cache="entities"`}, 0},
		{"trellis_cache_hit_ratio", []string{`cache="plans"`}, -3},
	}
	for _, c := range checks {
		got := sample(text, c.name, c.labels...)
		switch {
		case c.want == -2 && got > 0:
		case c.want == -3 && got >= 0: // present; ristretto may not have admitted the plan yet
		case got == c.want:
		default:
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if t.Failed() {
		t.Logf("scraped:\n%s", text)
	}
}

// TestTelemetryFetchErrors: a subgraph answering 503 with no GraphQL response counts a
// response error, one that cannot be reached a transport error.
func TestTelemetryFetchErrors(t *testing.T) {
	unavailable := handlerURL(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	})
	for _, c := range []struct{ kind, url string }{{"response", unavailable}, {"transport", refusedURL(t)}} {
		t.Run(c.kind, func(t *testing.T) {
			mp, reg := meterProvider(t)
			gw := limitedGateway(t, c.url, func(cfg *executor.Config) { cfg.Telemetry.Meter = mp })
			send(gw, `{"query":"{ topProducts { name inStock } }"}`)
			text := scrape(t, reg)
			if got := sample(text, "trellis_subgraph_fetch_errors_total", `subgraph="inventory"`, `kind="`+c.kind+`"`); got != 1 {
				t.Errorf("fetch errors = %v, want 1\n%s", got, text)
			}
			if got := sample(text, "trellis_subgraph_fetch_duration_seconds_count", `subgraph="inventory"`, `outcome="error"`); got != 1 {
				t.Errorf("failed fetches = %v, want 1", got)
			}
			if got := sample(text, "trellis_subgraph_fetch_duration_seconds_count", `subgraph="products"`, `outcome="ok"`); got != 1 {
				t.Errorf("products fetches = %v, want 1", got)
			}
			if got := sample(text, "trellis_requests_total", `outcome="errors"`); got != 1 {
				t.Errorf("requests with errors = %v, want 1", got)
			}
		})
	}
}

// TestRequestLog: one Info record per request with the documented keys, the trace id that
// of the request span.
func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	tp, rec := tracerProvider(t)
	gw, _ := telemetryGateway(t, entityCase, log, func(cfg *executor.Config) {
		cfg.Telemetry.RequestLog = true
		cfg.Telemetry.Tracer = tp
	})
	send(gw, topReviews)
	send(gw, `{"query":"{ nope }"}`, "Accept", "application/graphql-response+json")
	mu.Lock()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	mu.Unlock()
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), buf.String())
	}
	var ok, bad map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &ok); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil {
		t.Fatal(err)
	}
	var traceID string
	for _, s := range rec.Ended() {
		if s.Name() == executor.SpanRequest {
			traceID = s.SpanContext().TraceID().String()
			break
		}
	}
	keys := []string{"time", "level", "msg", "operation_name", "operation_hash", "operation_type", "duration_ms", "status", "outcome", "subgraphs", "trace_id"}
	for _, rec := range []map[string]any{ok, bad} {
		var got []string
		for k := range rec {
			got = append(got, k)
		}
		slices.Sort(got)
		want := slices.Clone(keys)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("keys %v, want %v", got, want)
		}
	}
	hash, _ := ok["operation_hash"].(string)
	if ok["msg"] != "request" || ok["level"] != "INFO" || ok["operation_name"] != "Top" || len(hash) != 16 ||
		ok["status"] != 200.0 || ok["outcome"] != "ok" || fmt.Sprint(ok["subgraphs"]) != "[products reviews]" ||
		ok["trace_id"] != traceID || traceID == "" {
		t.Errorf("request line: %s (trace %s)", lines[0], traceID)
	}
	if d, _ := ok["duration_ms"].(float64); d <= 0 {
		t.Errorf("duration_ms %v", ok["duration_ms"])
	}
	if bad["status"] != 400.0 || bad["outcome"] != "invalid" || bad["operation_name"] != "" || bad["operation_hash"] != "" ||
		fmt.Sprint(bad["subgraphs"]) != "[]" {
		t.Errorf("refused request line: %s", lines[1])
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestRequestLogSameOperationSameHash: the hash names the normalized operation, so that the
// same operation written differently logs the same hash.
func TestRequestLogSameOperationSameHash(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	gw2, _ := telemetryGateway(t, entityCase, log, func(cfg *executor.Config) { cfg.Telemetry.RequestLog = true })
	send(gw2, `{"query":"{ topProducts { name } }"}`)
	send(gw2, `{"query":"query { topProducts {  name  } }"}`)
	send(gw2, `{"query":"{ topProducts { upc } }"}`)
	var hashes []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		json.Unmarshal([]byte(line), &rec)
		h, _ := rec["operation_hash"].(string)
		hashes = append(hashes, h)
	}
	if len(hashes) != 3 || hashes[0] != hashes[1] || hashes[0] == hashes[2] || hashes[0] == "" {
		t.Fatalf("hashes %v: want the first two equal, the third different", hashes)
	}
}

// BenchmarkExecuteRecordedMetrics is BenchmarkExecuteRecorded with the metrics trellis serve
// turns on by default (the OpenTelemetry SDK read by the Prometheus exporter).
func BenchmarkExecuteRecordedMetrics(b *testing.B) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		b.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	b.Cleanup(func() { mp.Shutdown(b.Context()) })
	cfg := executor.DefaultConfig()
	cfg.Telemetry.Meter = mp
	benchmarkRecorded(b, cfg, nil)
}

// BenchmarkExecuteRecordedTraced adds to the metrics a span for every request, its stages
// and its fetches, all sampled, batched to an exporter that drops them.
func BenchmarkExecuteRecordedTraced(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() { mp.Shutdown(b.Context()); tp.Shutdown(b.Context()) })
	cfg := executor.DefaultConfig()
	cfg.Telemetry.Meter, cfg.Telemetry.Tracer = mp, tp
	benchmarkRecorded(b, cfg, nil)
}

// TestTelemetryDedup: requests that share one execution each log the subgraphs it fetched,
// and the fetch is counted once.
func TestTelemetryDedup(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		calls.Add(1)
		<-release
		io.WriteString(w, `{"data":{"topProducts":[{"upc":"1"}]}}`)
	}))
	defer sub.Close()
	sg, err := supergraph.Load("dedup.graphql", strings.NewReplacer("INVENTORY_URL", sub.URL, "PRODUCTS_URL", sub.URL).Replace(failSupergraph))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var mu sync.Mutex
	mp, reg := meterProvider(t)
	cfg := executor.DefaultConfig()
	cfg.Dedup = true
	cfg.Telemetry.RequestLog, cfg.Telemetry.Meter = true, mp
	gw, err := executor.New(cfg, sg, nil, slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { send(gw, `{"query":"{ topProducts { upc } }"}`) })
	}
	time.Sleep(300 * time.Millisecond) // every request reaches the gateway
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d subgraph calls: the requests did not share", n)
	}
	mu.Lock()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	mu.Unlock()
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want 3", len(lines))
	}
	for _, line := range lines {
		if !strings.Contains(line, `"subgraphs":["products"]`) || !strings.Contains(line, `"outcome":"ok"`) {
			t.Errorf("log line %s", line)
		}
	}
	text := scrape(t, reg)
	if got := sample(text, "trellis_subgraph_fetch_duration_seconds_count", `subgraph="products"`); got != 1 {
		t.Errorf("fetches counted %v times, want 1", got)
	}
	if got := sample(text, "trellis_requests_total", `outcome="ok"`); got != 3 {
		t.Errorf("requests %v, want 3", got)
	}
}
