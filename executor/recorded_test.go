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
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	key := req.URL.String() + "\x00" + string(body)
	r.mu.Lock()
	answer, ok := r.answers[key]
	r.mu.Unlock()
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

func benchmarkRecorded(b *testing.B, cfg executor.Config, headers http.Header) {
	_, subs := startExamples(b)
	rec := &recorder{subs: subs, answers: map[string][]byte{}, live: true}
	gw := gatewayAt(b, subs, rec, cfg)
	raw, _ := json.Marshal(map[string]any{"query": examples.BenchmarkQuery})
	serve := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header[k] = v
		}
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, req)
		return w
	}
	first := serve().Body.String()
	if strings.Contains(first, `"errors"`) || len(first) < 80_000 {
		b.Fatalf("the recorded answer is not the full benchmark response: %.300s", first)
	}
	rec.live = false
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if w := serve(); w.Body.Len() != len(first) {
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
