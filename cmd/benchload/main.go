// Command benchload is the load benchmark of Trellis: it drives
// examples/benchmark.graphql through a gateway in front of the four example
// subgraphs, with a closed loop of its own, and reports throughput, latency,
// failures, and the gateway's CPU time and memory. make bench-load runs it;
// bench/README.md says what it measures and how to read the table.
//
//	benchload [--duration 20s] [--warmup 5s] [--connections 50] [--quick]
//	          [--gateway-cmd 'router --supergraph {supergraph} --listen {listen}']
//	          [--out bench/results/latest.json]
//	benchload --against OTHER-TRELLIS [--rounds 3]   both at once, CPU per request of each
//
// In one run it measures the subgraphs alone, Trellis with inbound request
// deduplication off and (where supported) on, and a trivial server answering
// the finished response bytes, which is the ceiling of the harness itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is one benchmark run, from the flags.
type config struct {
	// warmup and duration are the unmeasured and measured parts of each load.
	warmup, duration time.Duration
	// connections is the number of concurrent connections, each a closed loop
	// with no think time.
	connections int
	// trellis and subgraphs are the gateway and examples/serve binaries.
	trellis, subgraphs string
	// gatewayCmd, if set, replaces Trellis: a shell command with {supergraph},
	// {listen} and {port} placeholders. gatewayURL is where it answers GraphQL.
	gatewayCmd, gatewayURL string
	// out is where the JSON results go.
	out string
	// minHeadroom is how many times the gateway's demand the subgraphs must
	// sustain alone for the results to count.
	minHeadroom float64
	// saturatedHeadroom is the lower headroom that still counts for a run whose
	// gateway was saturated (see headroomRules).
	saturatedHeadroom float64
	// profile asks a gateway with --pprof for a CPU profile of each measured window.
	profile bool
	// against, if set, is a second Trellis binary measured at the same time as trellis,
	// for rounds rounds (see runPair).
	against string
	rounds  int
}

// defaultMinHeadroom is the rule: the subgraphs alone must sustain 5
// times what the gateway asks of them, or they may be what is measured.
const defaultMinHeadroom float64 = 5

// defaultSaturatedHeadroom is the headroom that counts when the gateway used its whole
// CPU: on a 2-core machine 5x cannot hold at 1,700 gateway requests/s (docs/performance.md,
// Method), and a saturated gateway is direct evidence that it, not the subgraphs, set
// the rate.
const defaultSaturatedHeadroom float64 = 2

func main() {
	if len(os.Args) > 1 && os.Args[1] == staticCommand {
		os.Exit(staticMain(os.Args[2:], os.Stderr))
	}
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

func cli(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	do := run
	if cfg.against != "" {
		do = runPair
	}
	if err := do(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "benchload: %v\n", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("benchload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.DurationVar(&cfg.warmup, "warmup", 5*time.Second, "unmeasured warm-up of each load")
	fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "measured part of each load")
	fs.IntVar(&cfg.connections, "connections", 50, "concurrent connections, each a closed loop with no think time")
	quick := fs.Bool("quick", false, "smoke run: --warmup 500ms --duration 1500ms")
	fs.StringVar(&cfg.trellis, "trellis", "bin/trellis", "the trellis binary (make build)")
	fs.StringVar(&cfg.subgraphs, "subgraphs", "bin/examples", "the examples/serve binary")
	fs.StringVar(&cfg.gatewayCmd, "gateway-cmd", "", "benchmark this gateway instead of Trellis: a shell command with {supergraph}, {listen} (host:port) and {port} placeholders")
	fs.StringVar(&cfg.gatewayURL, "gateway-url", "http://{listen}/graphql", "GraphQL endpoint of --gateway-cmd")
	fs.StringVar(&cfg.out, "out", "bench/results/latest.json", "where to write the results")
	fs.Float64Var(&cfg.minHeadroom, "min-headroom", defaultMinHeadroom, "refuse to report unless the subgraphs' ceiling is this many times what they served during each gateway run")
	fs.Float64Var(&cfg.saturatedHeadroom, "saturated-headroom", defaultSaturatedHeadroom, "under --min-headroom, still report a run with at least this headroom if the gateway, pinned to one CPU, kept it busy (0.95 or more)")
	fs.BoolVar(&cfg.profile, "profile", false, "save a CPU profile of each measured window next to --out, if the gateway has --pprof")
	fs.StringVar(&cfg.against, "against", "", "compare --trellis with this trellis binary: both pinned together, half the connections each, dedup off; prints CPU per request of each (writes no results)")
	fs.IntVar(&cfg.rounds, "rounds", 3, "with --against: how many measured rounds")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "benchload: unexpected arguments %q\n", fs.Args())
		return cfg, errors.New("usage")
	}
	if *quick {
		cfg.warmup, cfg.duration = 500*time.Millisecond, 1500*time.Millisecond
	}
	if cfg.connections < 1 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.minHeadroom < 1 {
		fmt.Fprintln(stderr, "benchload: --connections, --duration and --min-headroom must be positive, --min-headroom at least 1")
		return cfg, errors.New("usage")
	}
	if cfg.saturatedHeadroom < 1 {
		fmt.Fprintf(stderr, "benchload: --saturated-headroom is %g; it must be at least 1\n", cfg.saturatedHeadroom)
		return cfg, errors.New("usage")
	}
	if cfg.against != "" && (cfg.gatewayCmd != "" || cfg.rounds < 1) {
		fmt.Fprintln(stderr, "benchload: --against compares two trellis binaries: not with --gateway-cmd, and --rounds at least 1")
		return cfg, errors.New("usage")
	}
	return cfg, nil
}
