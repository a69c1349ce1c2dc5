package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// row is one measured load: a line of the table and an entry of the results.
type row struct {
	Name              string  `json:"name"`
	Command           string  `json:"command"`
	RequestsPerSecond float64 `json:"requests_per_second"`
	P50Ms             float64 `json:"p50_ms"`
	P90Ms             float64 `json:"p90_ms"`
	P99Ms             float64 `json:"p99_ms"`
	Requests          int     `json:"requests"`
	Failures          int     `json:"failures"`
	FirstFailure      string  `json:"first_failure,omitempty"`
	CPUMsPerRequest   float64 `json:"cpu_ms_per_request"`
	// CPUBusy is the CPUs the process under load used during the window: a
	// gateway pinned to one CPU at 1.0 was the bottleneck itself.
	CPUBusy        float64 `json:"cpu_busy"`
	PeakRSSMiB     float64 `json:"peak_rss_mib"`
	RatioToCeiling float64 `json:"ratio_to_ceiling"`
	// SubgraphRequestsPerSecond is what the subgraphs served during the
	// window, SubgraphCPU the CPUs they used doing it, and SubgraphHeadroom
	// their ceiling measured alone over SubgraphRequestsPerSecond.
	SubgraphRequestsPerSecond float64 `json:"subgraph_requests_per_second,omitempty"`
	SubgraphCPU               float64 `json:"subgraph_cpu,omitempty"`
	SubgraphHeadroom          float64 `json:"subgraph_headroom,omitempty"`
	// Saturated is set when the headroom counted only because the gateway was
	// saturated (headroomRules).
	Saturated bool   `json:"counted_as_saturated,omitempty"`
	Profile   string `json:"cpu_profile,omitempty"`
}

// probe is what measure samples around the measured window besides the load.
type probe struct {
	// proc is the process under load; its /proc usage is sampled.
	proc *process
	// subs, if set, has its served requests counted.
	subs *subgraphs
	// profileURL, if set, is fetched for a CPU profile of the window into profilePath.
	profileURL, profilePath string
}

// measure drives targets and reads the usage of what serves them.
func measure(ctx context.Context, cfg config, h host, name string, targets []target, pr probe) (row, error) {
	var (
		before, after    sample
		errBegin, errEnd error
		profiled         = make(chan error, 1)
	)
	l := load{targets: targets, connections: cfg.connections, warmup: cfg.warmup, duration: cfg.duration}
	l.begin = func() {
		if pr.profileURL != "" {
			go func() { profiled <- fetchProfile(pr.profileURL, cfg.duration, pr.profilePath) }()
		}
		before, errBegin = pr.sample()
	}
	l.end = func() { after, errEnd = pr.sample() }
	st := l.run(ctx)
	if err := errors.Join(ctx.Err(), errBegin, errEnd); err != nil {
		return row{}, fmt.Errorf("%s: %w", name, err)
	}

	r := row{
		Name:              name,
		Command:           strings.Join(pr.proc.argv, " "),
		RequestsPerSecond: st.rps(),
		P50Ms:             ms(st.percentile(0.50)),
		P90Ms:             ms(st.percentile(0.90)),
		P99Ms:             ms(st.percentile(0.99)),
		Requests:          st.ok,
		Failures:          st.failures,
		FirstFailure:      st.firstFailure,
		PeakRSSMiB:        float64(after.proc.peakKiB) / 1024,
	}
	cpuSeconds := func(from, to usage) float64 { return float64(to.ticks-from.ticks) / float64(h.clkTck) }
	used := cpuSeconds(before.proc, after.proc)
	r.CPUBusy = used / cfg.duration.Seconds()
	if answered := st.ok + st.failures; answered > 0 {
		r.CPUMsPerRequest = used * 1000 / float64(answered)
	}
	if pr.subs != nil {
		r.SubgraphRequestsPerSecond = float64(after.served-before.served) / cfg.duration.Seconds()
		r.SubgraphCPU = cpuSeconds(before.subs, after.subs) / cfg.duration.Seconds()
	}
	if pr.profileURL != "" {
		if err := <-profiled; err != nil {
			return row{}, fmt.Errorf("%s: cpu profile: %w", name, err)
		}
		r.Profile = pr.profilePath
	}
	return r, nil
}

// sample is what a probe reads at each end of the measured window.
type sample struct {
	proc   usage // of the process under load
	subs   usage // of the subgraphs, if probed
	served int64 // requests the subgraphs have served
}

func (pr probe) sample() (sample, error) {
	var s sample
	var err error
	if s.proc, err = treeUsage(pr.proc.pid()); err != nil || pr.subs == nil {
		return s, err
	}
	if s.subs, err = treeUsage(pr.subs.proc.pid()); err != nil {
		return s, err
	}
	s.served, err = pr.subs.served()
	return s, err
}

// fetchProfile saves a CPU profile of the next d from a Go pprof server.
func fetchProfile(url string, d time.Duration, path string) error {
	seconds := max(1, int(d.Seconds()))
	resp, err := http.Get(fmt.Sprintf("%s?seconds=%d", url, seconds))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", url, resp.StatusCode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
