package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

func TestTelemetryConfig(t *testing.T) {
	dir := t.TempDir()
	read := func(body string) (telemetrySettings, error) {
		file, err := readConfig(writeFile(t, dir, "trellis.yaml", body))
		if err != nil {
			return telemetrySettings{}, err
		}
		cfg := executor.DefaultConfig()
		if err := file.apply(&cfg); err != nil {
			return telemetrySettings{}, err
		}
		return file.telemetry()
	}
	defaults, err := read("listen: 127.0.0.1:4000\n")
	if err != nil {
		t.Fatal(err)
	}
	want := telemetrySettings{exporter: "none", sampleRatio: 1, metrics: true, metricsPath: "/metrics", logFormat: "text"}
	if defaults != want {
		t.Errorf("defaults %+v, want %+v", defaults, want)
	}
	set, err := read(`
telemetry:
  traces: {exporter: otlp-http, endpoint: "https://collector:4318", sample_ratio: 0}
  metrics: {enabled: false, path: /internal/metrics}
  log: {format: json, requests: true}
`)
	if err != nil {
		t.Fatal(err)
	}
	want = telemetrySettings{exporter: "otlp-http", endpoint: "https://collector:4318", sampleRatio: 0, metrics: false,
		metricsPath: "/internal/metrics", logFormat: "json", requestLog: true}
	if set != want {
		t.Errorf("settings %+v, want %+v", set, want)
	}
	cases := []struct{ name, body, want string }{
		{"unknown key", "telemetry:\n  traces:\n    exporer: none\n", `:3:5: unknown key "telemetry.traces.exporer": did you mean "exporter"?`},
		{"unknown section", "telemetry:\n  logs: {format: json}\n", `unknown key "telemetry.logs": did you mean "log"?`},
		{"exporter", "telemetry:\n  traces: {exporter: zipkin}\n", `telemetry.traces.exporter: "zipkin" is not none, otlp-grpc or otlp-http`},
		{"endpoint without exporter", "telemetry:\n  traces: {endpoint: http://collector:4317}\n", "telemetry.traces: endpoint and sample_ratio need an exporter"},
		{"endpoint not a URL", "telemetry:\n  traces: {exporter: otlp-grpc, endpoint: collector:4317}\n", `telemetry.traces.endpoint: "collector:4317" is not a URL like http://collector:4317`},
		{"sample ratio", "telemetry:\n  traces: {exporter: otlp-grpc, sample_ratio: 1.5}\n", "telemetry.traces.sample_ratio: 1.5 is not between 0 and 1"},
		{"sample ratio type", "telemetry:\n  traces: {exporter: otlp-grpc, sample_ratio: half}\n", "cannot unmarshal !!str `half` into float64"},
		{"metrics path relative", "telemetry:\n  metrics: {path: metrics}\n", `telemetry.metrics.path: "metrics" must be a path of its own`},
		{"metrics path taken", "telemetry:\n  metrics: {path: /graphql}\n", `telemetry.metrics.path: "/graphql"`},
		{"metrics enabled type", "telemetry:\n  metrics: {enabled: sometimes}\n", "cannot unmarshal !!str `sometimes` into bool"},
		{"log format", "telemetry:\n  log: {format: xml}\n", `telemetry.log.format: "xml" is not text or json`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := read(c.body); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestOTLPHTTPURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://collector:4318":              "http://collector:4318/v1/traces",
		"https://collector:4318/":            "https://collector:4318/v1/traces",
		"https://vendor.example/otlp/traces": "https://vendor.example/otlp/traces",
	} {
		if got := otlpHTTPURL(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// telemetryServer runs the example subgraphs and a gateway with the telemetry ts builds,
// behind the routes serve mounts; resilient puts the resilience client in between.
func telemetryServer(t *testing.T, ts telemetrySettings, resilient bool) (*httptest.Server, *gatewayTelemetry, *bytes.Buffer) {
	t.Helper()
	subs, err := all.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { subs.Close() })
	sg, err := supergraph.Load("examples/supergraph.graphql", subs.Supergraph())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	tel, err := startTelemetry(t.Context(), ts, &syncWriter{w: &logs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.shutdown(context.Background()) })
	cfg := executor.DefaultConfig()
	cfg.Telemetry = tel.executorConfig()
	var client executor.Doer
	st := &status{}
	if resilient {
		rc, err := resilience.New(resilience.DefaultConfig(), nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(rc.Close)
		client, st.client = rc, rc
	}
	gw, err := executor.New(cfg, sg, client, tel.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	if err := tel.observeClient(gw.Supergraph, st.client); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tel.routes(routes(gw, false, st)))
	t.Cleanup(srv.Close)
	return srv, tel, &logs
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postQuery(t *testing.T, url, query string) string {
	t.Helper()
	resp, err := http.Post(url+"/graphql", "application/json", strings.NewReader(`{"query":"`+query+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestMetricsAndReady: /ready says whether the gateway serves; /metrics serves the
// gateway's metrics, the resilience client's and the Go runtime's as Prometheus text;
// /health and /graphql still reach the gateway's routes.
func TestMetricsAndReady(t *testing.T) {
	ts := telemetrySettings{exporter: "none", sampleRatio: 1, metrics: true, metricsPath: "/metrics", logFormat: "json", requestLog: true}
	srv, tel, logs := telemetryServer(t, ts, true)
	if code, body := httpGet(t, srv.URL+"/ready"); code != http.StatusServiceUnavailable || body != `{"status":"unavailable"}` {
		t.Errorf("/ready before serving: %d %s", code, body)
	}
	tel.ready.Store(true)
	if code, body := httpGet(t, srv.URL+"/ready"); code != 200 || body != `{"status":"ready"}` {
		t.Errorf("/ready: %d %s", code, body)
	}
	if code, body := httpGet(t, srv.URL+"/health"); code != 200 || body != `{"status":"ok"}` {
		t.Errorf("/health: %d %s", code, body)
	}
	if body := postQuery(t, srv.URL, "query Me { me { name reviews { body } } }"); !strings.Contains(body, `"name"`) || strings.Contains(body, "errors") {
		t.Fatalf("query: %s", body)
	}
	code, text := httpGet(t, srv.URL+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`trellis_requests_total{operation_name="Me",operation_type="query",`,
		`trellis_subgraph_fetch_duration_seconds_count{`,
		`subgraph="reviews"`,
		`trellis_cache_misses_total{cache="plans"`,
		`trellis_subgraph_instances{breaker="closed",`,
		`trellis_subgraph_instances{breaker="open",`,
		`trellis_subgraph_retries_total{`,
		`target_info{service_name="trellis"`,
		"go_goroutines ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if !strings.Contains(text, `trellis_subgraph_instances{breaker="closed",otel_scope_name="github.com/trellis-gql/trellis/resilience",otel_scope_schema_url="",otel_scope_version="",subgraph="accounts"} 1`) {
		t.Errorf("the accounts instance is not counted closed:\n%s", grep(text, "trellis_subgraph_instances"))
	}
	line := grep(logs.String(), `"msg":"request"`)
	for _, want := range []string{`"operation_name":"Me"`, `"status":200`, `"subgraphs":["accounts","reviews"]`, `"trace_id":""`} {
		if !strings.Contains(line, want) {
			t.Errorf("request log line %s lacks %s", line, want)
		}
	}
}

func grep(text, s string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestMetricsOff: without metrics there is no /metrics, and the gateway serves as before.
func TestMetricsOff(t *testing.T) {
	ts := telemetrySettings{exporter: "none", sampleRatio: 1, metrics: false, metricsPath: "/metrics", logFormat: "text"}
	srv, tel, logs := telemetryServer(t, ts, false)
	if tel.executorConfig() != (executor.TelemetryConfig{}) {
		t.Fatalf("telemetry off, yet %+v", tel.executorConfig())
	}
	if code, _ := httpGet(t, srv.URL+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without metrics: %d", code)
	}
	if body := postQuery(t, srv.URL, "{ me { name } }"); !strings.Contains(body, `"name"`) {
		t.Fatalf("query: %s", body)
	}
	if strings.Contains(logs.String(), "request") {
		t.Errorf("request log without requests: true: %s", logs.String())
	}
}

// TestOTLPHTTPExport: with the otlp-http exporter, the spans of a request reach the
// collector's /v1/traces, in OTLP protobuf, when the gateway shuts down.
func TestOTLPHTTPExport(t *testing.T) {
	var mu sync.Mutex
	var posts []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(body))
		mu.Unlock()
	}))
	defer collector.Close()
	ts := telemetrySettings{exporter: "otlp-http", endpoint: collector.URL, sampleRatio: 1, metrics: false, metricsPath: "/metrics", logFormat: "text"}
	srv, tel, _ := telemetryServer(t, ts, false)
	if body := postQuery(t, srv.URL, "query Me { me { name } }"); !strings.Contains(body, `"name"`) {
		t.Fatalf("query: %s", body)
	}
	if err := tel.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) == 0 {
		t.Fatal("the collector received nothing")
	}
	got := strings.Join(posts, "\n")
	for _, want := range []string{"POST /v1/traces application/x-protobuf", "graphql.request", "subgraph.fetch", "trellis"} {
		if !strings.Contains(got, want) {
			t.Errorf("the collector's requests lack %q", want)
		}
	}
}

// TestOTLPGRPCStarts: the gRPC exporter connects lazily: a collector that is not there does
// not keep the gateway from starting or stopping.
func TestOTLPGRPCStarts(t *testing.T) {
	ts := telemetrySettings{exporter: "otlp-grpc", endpoint: "http://127.0.0.1:1", sampleRatio: 1, metrics: true, metricsPath: "/metrics", logFormat: "text"}
	tel, err := startTelemetry(t.Context(), ts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if tc := tel.executorConfig(); tc.Tracer == nil || tc.Meter == nil {
		t.Fatalf("providers missing: %+v", tc)
	}
	_, span := tel.tracer.Tracer("test").Start(t.Context(), "span")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	cancel()
	tel.shutdown(ctx) // an export that cannot happen is abandoned, not waited for
}

// scrapeInstances is the trellis_subgraph_instances lines of tel's /metrics, without the
// otel_scope labels.
func scrapeInstances(t *testing.T, tel *gatewayTelemetry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	tel.metrics.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	lines := grep(rec.Body.String(), "trellis_subgraph_instances{")
	return scopeLabels.ReplaceAllString(lines, "")
}

var scopeLabels = regexp.MustCompile(`otel_scope_[a-z_]+="[^"]*",`)

// TestInstanceGaugesFollowTheSupergraph: the instance gauges count the subgraphs of the
// supergraph served when the metrics are collected: none before the first one (a registry
// with nothing published), every subgraph of the one swapped in later (a request's routing
// URL counted), and none of a supergraph swapped out.
func TestInstanceGaugesFollowTheSupergraph(t *testing.T) {
	subs := startExamples(t)
	sg, err := supergraph.Load("examples", subs.Supergraph())
	if err != nil {
		t.Fatal(err)
	}
	ts := telemetrySettings{exporter: "none", sampleRatio: 1, metrics: true, metricsPath: "/metrics", logFormat: "text"}
	tel, err := startTelemetry(t.Context(), ts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.shutdown(context.Background()) })
	rc, err := resilience.New(resilience.DefaultConfig(), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	var current atomic.Pointer[supergraph.Supergraph]
	if err := tel.observeClient(current.Load, rc); err != nil {
		t.Fatal(err)
	}
	if got := scrapeInstances(t, tel); got != "" {
		t.Fatalf("instances counted before any supergraph:\n%s", got)
	}

	current.Store(sg)
	gw, err := executor.New(executor.DefaultConfig(), sg, rc, tel.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { name } }"}`))
	req.Header.Set("Content-Type", "application/json")
	gw.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"name"`) {
		t.Fatalf("query: %s", rec.Body)
	}
	got := scrapeInstances(t, tel)
	for _, name := range all.Names() {
		closed := 0
		if name == "accounts" { // the one the query went to
			closed = 1
		}
		for state, n := range map[string]int{"closed": closed, "open": 0, "half-open": 0} {
			want := fmt.Sprintf(`trellis_subgraph_instances{breaker=%q,subgraph=%q} %d`, state, name, n)
			if !strings.Contains(got, want) {
				t.Errorf("after the swap, no %s in:\n%s", want, got)
			}
		}
	}

	current.Store(&supergraph.Supergraph{})
	if got := scrapeInstances(t, tel); got != "" {
		t.Fatalf("instances counted of a supergraph swapped out:\n%s", got)
	}
}

// TestRegistryModeInstanceGauges: `serve --registry` with the resilience client exports the
// instance gauges of the supergraph published after it started (it had none at start).
func TestRegistryModeInstanceGauges(t *testing.T) {
	t.Setenv(envAdminToken, testAdminToken)
	subs := startExamples(t)
	dir := t.TempDir()
	config := writeFile(t, dir, "trellis.yaml", "resilience:\n  retry:\n    max_attempts: 1\n")
	s := startServe(t, "--registry", "--registry-store", filepath.Join(dir, "trellis.db"), "--config", config)
	publishExamples(t, admin.NewClient("http://"+s.addr, testAdminToken, nil), subs)
	eventually(t, "the gateway serves the last supergraph (the one with reviews)", func() bool {
		code, body, _ := s.query("{ me { name reviews { body } } }")
		return code == http.StatusOK && strings.Contains(body, `"body"`) && !strings.Contains(body, `"errors"`)
	})
	_, text := httpGet(t, "http://"+s.addr+"/metrics")
	got := scopeLabels.ReplaceAllString(grep(text, "trellis_subgraph_instances{"), "")
	for _, want := range []string{
		`trellis_subgraph_instances{breaker="closed",subgraph="accounts"} 1`,
		`trellis_subgraph_instances{breaker="open",subgraph="reviews"} 0`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, got)
		}
	}
}
