package executor_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/cost"
)

// recorder answers subgraph requests from bodies recorded once against the real example
// subgraphs, so a benchmark measures the gateway alone.
type recorder struct {
	mu      sync.Mutex
	subs    *all.Subgraphs
	answers map[string][]byte
	live    bool
	// delay is how long a replayed answer takes: requests then overlap as they do under
	// load, and each finds its tree gone from the CPU caches when its answers arrive.
	delay time.Duration
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	key := req.URL.String() + "\x00" + string(body)
	r.mu.Lock()
	answer, ok := r.answers[key]
	r.mu.Unlock()
	if ok && r.delay > 0 {
		time.Sleep(r.delay)
	}
	if !ok {
		if !r.live {
			return &http.Response{StatusCode: 500, ContentLength: -1, Body: io.NopCloser(bytes.NewReader([]byte("not recorded")))}, nil
		}
		resp, err := http.Post(req.URL.String(), "application/json", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		answer, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		r.mu.Lock()
		r.answers[key] = answer
		r.mu.Unlock()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: int64(len(answer)), Body: io.NopCloser(bytes.NewReader(answer))}, nil
}

// BenchmarkExecuteRecorded is the whole request path for the benchmark query, with subgraph
// answers replayed from memory: the gateway's own CPU and allocations per request.
func BenchmarkExecuteRecorded(b *testing.B) {
	benchmarkRecorded(b, executor.DefaultConfig(), nil)
}

// BenchmarkExecuteRecordedProtected is BenchmarkExecuteRecorded with the front door on: a
// JWT (RS256) verified on every request, authorization, cost analysis (measure, so the
// response reports it) and a rate limit with a budget the benchmark never exhausts.
func BenchmarkExecuteRecordedProtected(b *testing.B) {
	is := newRSAIssuer(b)
	cfg := executor.DefaultConfig()
	cfg.Auth = is.authConfig()
	cfg.Cost.Mode = cost.ModeMeasure
	cfg.Cost.MaxCost = 1e9
	cfg.RateLimit.Enabled = true
	cfg.RateLimit.Budgets.Limit = 1e15
	benchmarkRecorded(b, cfg, http.Header{"Authorization": {"Bearer " + is.token(b, `{"sub": "bench", "scope": "read"}`)}})
}

// BenchmarkExecuteRecordedInFlight is BenchmarkExecuteRecorded with 50 requests in flight,
// as the load harness runs them, each subgraph answer arriving after 2 ms: the CPU per
// request when requests overlap and their trees do not stay in the CPU caches.
func BenchmarkExecuteRecordedInFlight(b *testing.B) {
	gw, raw, first := recordedGateway(b, executor.DefaultConfig(), nil)
	gw.rec.delay = 2 * time.Millisecond
	b.SetParallelism(25) // 25 per GOMAXPROCS: 50 on this 2-core machine
	b.ReportAllocs()
	start := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := gw.serve(raw, nil); w.Body.Len() != len(first) {
				b.Errorf("answer changed: %d vs %d bytes", w.Body.Len(), len(first))
				return
			}
		}
	})
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

// recordedGW is a gateway whose subgraph answers are recorded, and how to call it.
type recordedGW struct {
	http.Handler
	rec *recorder
}

func (gw recordedGW) serve(raw []byte, headers http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	gw.ServeHTTP(w, req)
	return w
}

// recordedGateway starts the examples, records their answers to the benchmark query and
// returns a gateway that replays them, the request body and the full answer.
func recordedGateway(tb testing.TB, cfg executor.Config, headers http.Header) (recordedGW, []byte, string) {
	_, subs := startExamples(tb)
	rec := &recorder{subs: subs, answers: map[string][]byte{}, live: true}
	gw := recordedGW{gatewayAt(tb, subs, rec, cfg), rec}
	raw, _ := json.Marshal(map[string]any{"query": examples.BenchmarkQuery})
	first := gw.serve(raw, headers).Body.String()
	if strings.Contains(first, `"errors"`) || len(first) < 80_000 {
		tb.Fatalf("the recorded answer is not the full benchmark response: %.300s", first)
	}
	rec.live = false
	return gw, raw, first
}

func benchmarkRecorded(b *testing.B, cfg executor.Config, headers http.Header) {
	gw, raw, first := recordedGateway(b, cfg, headers)
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if w := gw.serve(raw, headers); w.Body.Len() != len(first) {
			b.Fatalf("answer changed: %d vs %d bytes", w.Body.Len(), len(first))
		}
	}
	// CPU time (all threads, the garbage collector's included) is steadier than wall time on
	// a shared machine, where other processes take turns on the cores.
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time of the process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStages repeats single stages of the benchmark query's execution on the state one
// run left (executor.Stages): the walks to the entity objects with their representations,
// and the projection into the response. Decoding is BenchmarkDecodeJSON, planning
// BenchmarkBenchmarkQuery.
func BenchmarkStages(b *testing.B) {
	gw, raw, _ := recordedGateway(b, executor.DefaultConfig(), nil)
	stages, err := executor.Stages(gw.Handler.(*executor.Gateway), raw)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"represent", "project"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				stages[name]()
			}
		})
	}
}

// TestStages keeps BenchmarkStages working (benchmarks do not run in make test): each stage
// runs, twice, on the state of a real run.
func TestStages(t *testing.T) {
	gw, raw, _ := recordedGateway(t, executor.DefaultConfig(), nil)
	stages, err := executor.Stages(gw.Handler.(*executor.Gateway), raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want represent and project", len(stages))
	}
	for name, stage := range stages {
		for range 2 {
			stage()
		}
		t.Logf("%s ran", name)
	}
}
