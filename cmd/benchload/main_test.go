package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for benchload as the trivial
// server, which the harness starts by re-executing itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == staticCommand {
		os.Exit(staticMain(os.Args[2:], os.Stderr))
	}
	os.Exit(m.Run())
}

// buildBinaries builds the gateway and the example subgraphs for an end-to-end run.
func buildBinaries(t *testing.T) (trellis, subgraphs string) {
	t.Helper()
	dir := t.TempDir()
	trellis, subgraphs = filepath.Join(dir, "trellis"), filepath.Join(dir, "examples")
	for bin, pkg := range map[string]string{trellis: "../trellis", subgraphs: "../../examples/serve"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return trellis, subgraphs
}

// runHarness runs benchload in process and returns the results it wrote.
func runHarness(t *testing.T, cfg config) (results, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, cfg, &stdout, &stderr); err != nil {
		t.Fatalf("benchload: %v\n%s", err, stderr.String())
	}
	raw, err := os.ReadFile(cfg.out)
	if err != nil {
		t.Fatal(err)
	}
	var res results
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	return res, stdout.String()
}

// TestEndToEnd runs the whole harness briefly: subgraphs alone, Trellis with
// dedup off and (if it has --dedup) on, the ceiling, and --gateway-cmd.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end load run")
	}
	trellis, subgraphs := buildBinaries(t)
	help, err := serveHelp(trellis)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{
		warmup: 300 * time.Millisecond, duration: time.Second, connections: 20,
		trellis: trellis, subgraphs: subgraphs, gatewayURL: "http://{listen}/graphql",
		// Under -race the load generator is slow: the check is TestFinish's.
		minHeadroom: 1,
	}

	t.Run("trellis", func(t *testing.T) {
		cfg := cfg
		cfg.out = filepath.Join(t.TempDir(), "latest.json")
		res, table := runHarness(t, cfg)
		want := []string{"trellis, dedup off", "ceiling: static answer"}
		wantDedup := "not supported by this gateway"
		if hasFlag(help, "dedup") {
			want, wantDedup = []string{"trellis, dedup off", "trellis, dedup on", "ceiling: static answer"}, "measured"
		}
		checkRuns(t, res, want)
		if res.Dedup != wantDedup || !strings.Contains(table, "dedup: "+wantDedup) {
			t.Errorf("dedup %q, want %q; table:\n%s", res.Dedup, wantDedup, table)
		}
		for _, r := range res.Runs[:len(res.Runs)-1] {
			if r.SubgraphRequestsPerSecond <= 0 || r.SubgraphHeadroom <= 0 {
				t.Errorf("%s: subgraph demand %.0f/s, headroom %.1f", r.Name, r.SubgraphRequestsPerSecond, r.SubgraphHeadroom)
			}
		}
		if s := res.Subgraphs; s.RequestsPerGatewayRequest < 4 || s.RequestsPerSecond <= 0 || s.CeilingRequestsPerSecond < s.RequestsPerSecond {
			t.Errorf("subgraphs alone: %+v", s)
		}
	})

	t.Run("against", func(t *testing.T) {
		cfg := cfg
		cfg.against, cfg.rounds = trellis, 2 // the same binary: both must answer and be measured
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := runPair(ctx, cfg, &stdout, &stderr); err != nil {
			t.Fatalf("benchload --against: %v\n%s", err, stderr.String())
		}
		var rounds int
		for _, line := range strings.Split(stdout.String(), "\n") {
			f := strings.Fields(line)
			if len(f) != 8 || f[0] != fmt.Sprint(rounds+1) {
				continue
			}
			rounds++
			for _, col := range []int{1, 2, 4, 5, 6, 7} {
				if v, err := strconv.ParseFloat(f[col], 64); err != nil || v <= 0 {
					t.Errorf("round %s: column %d is %q, want a positive number:\n%s", f[0], col, f[col], stdout.String())
				}
			}
		}
		if rounds != 2 {
			t.Errorf("%d rounds in the table, want 2:\n%s", rounds, stdout.String())
		}
	})

	t.Run("gateway-cmd", func(t *testing.T) {
		cfg := cfg
		cfg.out = filepath.Join(t.TempDir(), "latest.json")
		cfg.gatewayCmd = trellis + " serve --supergraph {supergraph} --listen 127.0.0.1:{port}"
		res, _ := runHarness(t, cfg)
		checkRuns(t, res, []string{"trellis", "ceiling: static answer"})
		if res.Dedup != "not measured (--gateway-cmd)" {
			t.Errorf("dedup %q", res.Dedup)
		}
	})
}

// checkRuns asserts the runs are the named ones, each with answers, no
// failures and its usage read from /proc.
func checkRuns(t *testing.T, res results, names []string) {
	t.Helper()
	var got []string
	for _, r := range res.Runs {
		got = append(got, r.Name)
		if r.Requests == 0 || r.Failures != 0 || r.CPUMsPerRequest <= 0 || r.PeakRSSMiB <= 0 || r.RatioToCeiling <= 0 {
			t.Errorf("%s: %d answers, %d failures (%s), %.3f CPU ms/req, %.1f MiB, %.2f of the ceiling",
				r.Name, r.Requests, r.Failures, r.FirstFailure, r.CPUMsPerRequest, r.PeakRSSMiB, r.RatioToCeiling)
		}
		// Busy CPUs over CPU per request is the rate of answers.
		if r.CPUMsPerRequest > 0 && math.Abs(r.CPUBusy*1000/r.CPUMsPerRequest/r.RequestsPerSecond-1) > 0.01 {
			t.Errorf("%s: %.3f CPUs busy at %.3f CPU ms/req is not %.0f req/s", r.Name, r.CPUBusy, r.CPUMsPerRequest, r.RequestsPerSecond)
		}
		if !(r.P50Ms > 0 && r.P50Ms <= r.P90Ms && r.P90Ms <= r.P99Ms) {
			t.Errorf("%s: percentiles %.2f %.2f %.2f out of order", r.Name, r.P50Ms, r.P90Ms, r.P99Ms)
		}
	}
	if strings.Join(got, "|") != strings.Join(names, "|") {
		t.Errorf("runs %q, want %q", got, names)
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"--quick", "--connections", "7", "--gateway-cmd", "router {listen}"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.warmup != 500*time.Millisecond || cfg.duration != 1500*time.Millisecond || cfg.connections != 7 ||
		cfg.gatewayCmd != "router {listen}" || cfg.minHeadroom != 5 || cfg.saturatedHeadroom != 2 || cfg.out != "bench/results/latest.json" {
		t.Errorf("config %+v", cfg)
	}
	for _, bad := range [][]string{{"--connections", "0"}, {"--duration", "0s"}, {"--min-headroom", "0.5"}, {"--saturated-headroom", "0.9"}, {"extra"},
		{"--against", "bin/old", "--gateway-cmd", "router"}, {"--against", "bin/old", "--rounds", "0"}} {
		if _, err := parseFlags(bad, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}
