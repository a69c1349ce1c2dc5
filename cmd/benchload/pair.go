package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// pairRound is one round of --against: the same load on two gateways at once.
type pairRound struct {
	a, b row
}

// runPair measures two Trellis binaries at the same time, pinned together where the gateway
// runs, each driven by half the connections, for cfg.rounds rounds. On a machine whose speed
// drifts from minute to minute (a shared VM), alternating runs differ by more than most
// changes do; two gateways sharing one CPU at the same moment see the same machine, so their
// CPU per request compares. Dedup is off; nothing is written to --out.
func runPair(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(stderr, "benchload: "+format+"\n", args...) }
	h := setUpHost()
	say("%s", h.pinning)
	dir, err := os.MkdirTemp("", "benchload-pair-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	subs, err := startSubgraphs(ctx, h, cfg.subgraphs, dir)
	if err != nil {
		return err
	}
	defer subs.proc.stop()
	supergraph := filepath.Join(dir, "supergraph.graphql")
	if err := os.WriteFile(supergraph, []byte(subs.supergraph()), 0o644); err != nil {
		return err
	}
	addrs, err := freeAddrs(2)
	if err != nil {
		return err
	}
	var procs [2]*process
	var targets [2][]target
	for i, bin := range []string{cfg.trellis, cfg.against} {
		argv := []string{bin, "serve", "--supergraph", supergraph, "--listen", addrs[i]}
		if procs[i], err = start(bin, h.onGatewayCPU(argv), filepath.Join(dir, fmt.Sprintf("gateway-%d.log", i))); err != nil {
			return err
		}
		defer procs[i].stop()
		if err := procs[i].waitListening(ctx, addrs[i]); err != nil {
			return err
		}
		url := "http://" + addrs[i] + "/graphql"
		answer, err := post(url, queryBody)
		if err != nil {
			return procs[i].failed(fmt.Errorf("first request: %w", err))
		}
		if err := checkOracle(answer, subs.urls()); err != nil {
			return procs[i].failed(err)
		}
		targets[i] = queryTargets(url, answer)
	}
	half := cfg
	half.connections = max(cfg.connections/2, 1)
	var rounds []pairRound
	for range cfg.rounds {
		var r pairRound
		var errs [2]error
		var wg sync.WaitGroup
		wg.Go(func() { r.a, errs[0] = measure(ctx, half, h, cfg.trellis, targets[0], probe{proc: procs[0]}) })
		wg.Go(func() { r.b, errs[1] = measure(ctx, half, h, cfg.against, targets[1], probe{proc: procs[1]}) })
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		if f := r.a.Failures + r.b.Failures; f > 0 {
			return fmt.Errorf("%d failures, first: %s%s", f, r.a.FirstFailure, r.b.FirstFailure)
		}
		say("round %d: %s", len(rounds)+1, r)
		rounds = append(rounds, r)
	}
	fmt.Fprint(stdout, pairTable(cfg, rounds))
	return nil
}

func (r pairRound) String() string {
	return fmt.Sprintf("%.3f vs %.3f CPU ms/req (%+.1f%%), %.0f vs %.0f req/s", r.a.CPUMsPerRequest, r.b.CPUMsPerRequest,
		100*(r.b.CPUMsPerRequest/r.a.CPUMsPerRequest-1), r.a.RequestsPerSecond, r.b.RequestsPerSecond)
}

// pairTable prints each round of --against: CPU per request, throughput and peak RSS of both.
func pairTable(cfg config, rounds []pairRound) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "A: %s\nB: %s (--against)\n", cfg.trellis, cfg.against)
	fmt.Fprintf(&b, "%5s %12s %12s %8s %9s %9s %11s %11s\n", "round", "A CPU ms/req", "B CPU ms/req", "B vs A", "A req/s", "B req/s", "A RSS MiB", "B RSS MiB")
	for i, r := range rounds {
		fmt.Fprintf(&b, "%5d %12.3f %12.3f %+7.1f%% %9.0f %9.0f %11.1f %11.1f\n", i+1, r.a.CPUMsPerRequest, r.b.CPUMsPerRequest,
			100*(r.b.CPUMsPerRequest/r.a.CPUMsPerRequest-1), r.a.RequestsPerSecond, r.b.RequestsPerSecond, r.a.PeakRSSMiB, r.b.PeakRSSMiB)
	}
	fmt.Fprintf(&b, "both pinned together, %d connections each, %s warm-up and %s measured per round\n",
		max(cfg.connections/2, 1), cfg.warmup, cfg.duration)
	return b.String()
}
