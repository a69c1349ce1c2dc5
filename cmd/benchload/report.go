package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// results is what bench/results/latest.json holds.
type results struct {
	Time            string         `json:"time"`
	Query           string         `json:"query"`
	Connections     int            `json:"connections"`
	WarmupSeconds   float64        `json:"warmup_seconds"`
	DurationSeconds float64        `json:"duration_seconds"`
	CPUModel        string         `json:"cpu_model"`
	CPUs            int            `json:"cpus"`
	LoadAverage     string         `json:"load_average_at_start"`
	Pinning         string         `json:"pinning"`
	ClockTicks      int64          `json:"clock_ticks_per_second"`
	Dedup           string         `json:"dedup"`
	Subgraphs       subgraphResult `json:"subgraphs"`
	// Runs are the gateway configurations, then the ceiling.
	Runs  []row    `json:"runs"`
	Notes []string `json:"notes,omitempty"`
}

// subgraphResult is the subgraphs measured alone, replaying the requests a
// gateway sends them for one benchmark query.
type subgraphResult struct {
	WarmupSeconds             float64 `json:"warmup_seconds"`
	DurationSeconds           float64 `json:"duration_seconds"`
	RequestsPerGatewayRequest int     `json:"requests_per_gateway_request"`
	RequestsPerSecond         float64 `json:"requests_per_second"`
	P99Ms                     float64 `json:"p99_ms"`
	CPUMsPerRequest           float64 `json:"cpu_ms_per_request"`
	// CeilingRequestsPerSecond is what they serve with a CPU to themselves:
	// the measured rate, or requests per CPU-second if that is higher (when
	// the load generator, not the subgraphs, limited the measured rate).
	CeilingRequestsPerSecond float64 `json:"ceiling_requests_per_second"`
	// GatewayRequestsPerSecond is that ceiling in benchmark queries.
	GatewayRequestsPerSecond float64 `json:"gateway_requests_per_second"`
	MinHeadroom              float64 `json:"min_headroom"`
	SaturatedHeadroom        float64 `json:"saturated_headroom"`
}

func newSubgraphResult(alone row, perQuery int, rules headroomRules) subgraphResult {
	s := subgraphResult{
		RequestsPerGatewayRequest: perQuery,
		RequestsPerSecond:         alone.RequestsPerSecond,
		P99Ms:                     alone.P99Ms,
		CPUMsPerRequest:           alone.CPUMsPerRequest,
		CeilingRequestsPerSecond:  alone.RequestsPerSecond,
		MinHeadroom:               rules.min,
		SaturatedHeadroom:         rules.saturated,
	}
	if alone.CPUMsPerRequest > 0 {
		s.CeilingRequestsPerSecond = max(s.CeilingRequestsPerSecond, 1000/alone.CPUMsPerRequest)
	}
	s.GatewayRequestsPerSecond = s.CeilingRequestsPerSecond / float64(perQuery)
	return s
}

func newResults(cfg config, h host, p plan) results {
	load, _ := os.ReadFile("/proc/loadavg")
	res := results{
		Time:            time.Now().UTC().Format(time.RFC3339),
		Query:           "examples/benchmark.graphql",
		Connections:     cfg.connections,
		WarmupSeconds:   cfg.warmup.Seconds(),
		DurationSeconds: cfg.duration.Seconds(),
		CPUModel:        cpuModel(),
		CPUs:            h.cpus,
		LoadAverage:     strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "),
		Pinning:         h.pinning,
		ClockTicks:      h.clkTck,
		Dedup:           p.dedup,
		Notes:           p.notes,
	}
	if h.clkNote != "" {
		res.Notes = append(res.Notes, h.clkNote)
	}
	return res
}

// headroomRules say when the subgraphs' headroom is enough for a gateway run to count.
type headroomRules struct {
	// min is the headroom that always counts (--min-headroom).
	min float64
	// saturated is the lower headroom that counts when the gateway, pinned to one CPU,
	// kept it at least saturatedBusy busy: a gateway never idle while waiting set the
	// rate itself (--saturated-headroom).
	saturated float64
	// pinned is whether the gateway had one CPU to itself, without which its CPU busy
	// says nothing about saturation.
	pinned bool
}

// saturatedBusy is the CPU busy from which a pinned gateway counts as saturated.
const saturatedBusy = 0.95

// finish fills in the ratios to the ceiling (the last run) and the
// subgraphs' headroom, and refuses results the subgraphs may have limited.
func (res *results) finish(rules headroomRules) error {
	ceiling := res.Runs[len(res.Runs)-1].RequestsPerSecond
	for i := range res.Runs {
		r := &res.Runs[i]
		if ceiling > 0 {
			r.RatioToCeiling = r.RequestsPerSecond / ceiling
		}
		if r.SubgraphRequestsPerSecond == 0 {
			continue
		}
		r.SubgraphHeadroom = res.Subgraphs.CeilingRequestsPerSecond / r.SubgraphRequestsPerSecond
		switch {
		case r.SubgraphHeadroom >= rules.min:
		case r.SubgraphHeadroom >= rules.saturated && rules.pinned && r.CPUBusy >= saturatedBusy:
			r.Saturated = true
			res.Notes = append(res.Notes, fmt.Sprintf("%s: subgraph headroom %.1fx is under %gx, counted because the gateway kept its CPU %.2f busy (at least %.2f, headroom at least %gx: --saturated-headroom)",
				r.Name, r.SubgraphHeadroom, rules.min, r.CPUBusy, saturatedBusy, rules.saturated))
		default:
			return fmt.Errorf("refusing to report: the subgraphs alone serve %.0f requests/s, only %.1fx the %.0f/s they served %s at %.0f requests/s (need %gx, or %gx with the gateway pinned and at least %.2f CPU busy; it was %.2f): they may be the bottleneck; --min-headroom and --saturated-headroom lower the requirements and record them (docs/performance.md, Method)",
				res.Subgraphs.CeilingRequestsPerSecond, r.SubgraphHeadroom, r.SubgraphRequestsPerSecond, r.Name, r.RequestsPerSecond, rules.min, rules.saturated, saturatedBusy, r.CPUBusy)
		}
	}
	return nil
}

func (res *results) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\treq/s\tp50 ms\tp90 ms\tp99 ms\tfailures\tCPU ms/req\tCPU busy\tpeak RSS MiB\tvs ceiling\tsubgraph headroom\t")
	for _, r := range res.Runs {
		headroom := "-"
		if r.SubgraphHeadroom > 0 {
			headroom = fmt.Sprintf("%.1fx", r.SubgraphHeadroom)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%.3f\t%.2f\t%.1f\t%.2f\t%s\t\n", r.Name, r.RequestsPerSecond,
			r.P50Ms, r.P90Ms, r.P99Ms, r.Failures, r.CPUMsPerRequest, r.CPUBusy, r.PeakRSSMiB, r.RatioToCeiling, headroom)
	}
	tw.Flush()
	s := res.Subgraphs
	fmt.Fprintf(w, "\nsubgraphs alone: %.0f req/s measured, %.3f CPU ms/req, ceiling %.0f req/s; %d per gateway request: %.0f gateway req/s\n",
		s.RequestsPerSecond, s.CPUMsPerRequest, s.CeilingRequestsPerSecond, s.RequestsPerGatewayRequest, s.GatewayRequestsPerSecond)
	if s.MinHeadroom < defaultMinHeadroom {
		fmt.Fprintf(w, "subgraph headroom required: %gx, under the default %gx: the subgraphs may have limited these numbers\n", s.MinHeadroom, defaultMinHeadroom)
	}
	if s.SaturatedHeadroom < defaultSaturatedHeadroom {
		fmt.Fprintf(w, "subgraph headroom required of a saturated gateway: %gx, under the default %gx\n", s.SaturatedHeadroom, defaultSaturatedHeadroom)
	}
	fmt.Fprintf(w, "dedup: %s\n", res.Dedup)
	fmt.Fprintf(w, "pinning: %s\n", res.Pinning)
	fmt.Fprintf(w, "%d connections, %gs warm-up, %gs measured; load average at start %s\n", res.Connections, res.WarmupSeconds, res.DurationSeconds, res.LoadAverage)
	for _, r := range res.Runs {
		if r.Failures > 0 {
			fmt.Fprintf(w, "%s: first failure: %s\n", r.Name, r.FirstFailure)
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintln(w, n)
	}
}

func (res *results) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// cpuModel is the first "model name" of /proc/cpuinfo, or GOARCH.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
