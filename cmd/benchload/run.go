package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/trellis-gql/trellis/examples/all"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/trellis-gql/trellis/examples"
)

// bench is the state of one run, shared by its stages.
type bench struct {
	cfg  config
	host host
	dir  string // temporary: logs, supergraph, answer
	subs *subgraphs
	res  results
	// answer is the gateway's first answer, checked against the oracle: what
	// every response must be.
	answer []byte
	say    func(format string, args ...any)
}

func (b *bench) rules() headroomRules {
	return headroomRules{min: b.cfg.minHeadroom, saturated: b.cfg.saturatedHeadroom, pinned: b.host.pinned}
}

// run is one benchmark: the subgraphs alone, each gateway configuration, and
// the ceiling; then the table and the JSON results.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	b := &bench{cfg: cfg, host: setUpHost()}
	b.say = func(format string, args ...any) { fmt.Fprintf(stderr, "benchload: "+format+"\n", args...) }
	b.say("%s", b.host.pinning)
	var err error
	if b.dir, err = os.MkdirTemp("", "benchload-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.dir)

	if b.subs, err = startSubgraphs(ctx, b.host, cfg.subgraphs, b.dir); err != nil {
		return err
	}
	defer b.subs.proc.stop()
	supergraph := filepath.Join(b.dir, "supergraph.graphql")
	if err := os.WriteFile(supergraph, []byte(b.subs.supergraph()), 0o644); err != nil {
		return err
	}
	p, err := planGateways(cfg, supergraph)
	if err != nil {
		return err
	}
	b.res = newResults(cfg, b.host, p)

	for i, gw := range p.gateways {
		r, err := b.gateway(ctx, i, gw)
		if err != nil {
			return err
		}
		b.res.Runs = append(b.res.Runs, r)
	}
	ceiling, err := b.ceiling(ctx)
	if err != nil {
		return err
	}
	b.res.Runs = append(b.res.Runs, ceiling)
	if err := b.res.finish(b.rules()); err != nil {
		return err
	}
	b.res.print(stdout)
	if err := b.res.write(cfg.out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", cfg.out)
	return nil
}

// gateway starts one gateway configuration and measures it; the first one
// also yields the answer and the subgraphs' measurement alone.
func (b *bench) gateway(ctx context.Context, i int, gw gateway) (row, error) {
	b.say("%s: %s", gw.name, strings.Join(gw.argv, " "))
	proc, err := start(gw.name, b.host.onGatewayCPU(gw.argv), filepath.Join(b.dir, fmt.Sprintf("gateway-%d.log", i)))
	if err != nil {
		return row{}, err
	}
	defer proc.stop()
	if err := proc.waitListening(ctx, gw.addr); err != nil {
		return row{}, err
	}
	if b.answer == nil {
		if err := b.firstAnswer(ctx, gw); err != nil {
			return row{}, proc.failed(err)
		}
		s := b.res.Subgraphs
		b.say("subgraphs alone: %.0f requests/s, ceiling %.0f, %d per gateway request", s.RequestsPerSecond, s.CeilingRequestsPerSecond, s.RequestsPerGatewayRequest)
	}
	pr := probe{proc: proc, subs: b.subs}
	if gw.pprof != "" {
		pr.profileURL = "http://" + gw.pprof + "/debug/pprof/profile"
		pr.profilePath = profilePath(b.cfg.out, gw.name)
	}
	return measure(ctx, b.cfg, b.host, gw.name, queryTargets(gw.url, b.answer), pr)
}

// queryBody is the POST body of examples/benchmark.graphql.
var queryBody, _ = json.Marshal(map[string]string{"query": examples.BenchmarkQuery})

// queryTargets is the benchmark query at url, with the answer it must get.
func queryTargets(url string, answer []byte) []target {
	t, _ := newTarget(url, queryBody, answer) // answer was checked to be JSON
	return []target{t}
}

// firstAnswer sends the gateway the benchmark query once, checks the answer
// against the oracle, and measures the subgraphs alone on the requests the
// gateway sent them for it, with the load generator out of their way.
func (b *bench) firstAnswer(ctx context.Context, gw gateway) error {
	before, err := b.subs.reports()
	if err != nil {
		return err
	}
	answer, err := post(gw.url, queryBody)
	if err != nil {
		return fmt.Errorf("first request: %w", err)
	}
	after, err := b.subs.reports()
	if err != nil {
		return err
	}
	if err := checkOracle(answer, b.subs.urls()); err != nil {
		return err
	}
	replay, err := b.subs.replay(before, after)
	if err != nil {
		return err
	}
	if len(replay) == 0 {
		return fmt.Errorf("the gateway answered without asking the subgraphs")
	}
	back, err := b.host.loadAside()
	if err != nil {
		return err
	}
	// A shorter load than the gateway's: the subgraphs answer from memory, so
	// they are steady after a second, and this keeps make bench-load short.
	short := b.cfg
	short.warmup, short.duration = b.cfg.warmup/5, b.cfg.duration/4
	alone, err := measure(ctx, short, b.host, "subgraphs alone", replay, probe{proc: b.subs.proc})
	if err := errors.Join(err, back()); err != nil {
		return err
	}
	if alone.Failures > 0 {
		return fmt.Errorf("subgraphs alone: %d failures, first: %s", alone.Failures, alone.FirstFailure)
	}
	b.res.Subgraphs = newSubgraphResult(alone, len(replay), b.rules())
	b.res.Subgraphs.WarmupSeconds, b.res.Subgraphs.DurationSeconds = short.warmup.Seconds(), short.duration.Seconds()
	b.answer = answer
	return nil
}

// checkOracle compares a gateway's answer, as canonical JSON, with the one
// stitched from the subgraphs directly.
func checkOracle(answer []byte, urls map[string]string) error {
	want, err := all.StitchBenchmark(urls)
	if err != nil {
		return err
	}
	got, err := canonicalJSON(answer)
	if err != nil {
		return fmt.Errorf("first answer: %w", err)
	}
	if want, _ = canonicalJSON(want); !bytes.Equal(got, want) {
		return fmt.Errorf("first answer differs from the one stitched from the subgraphs:\n got %.400s\nwant %.400s", got, want)
	}
	return nil
}

// ceiling runs the same load against this program's trivial server,
// answering the finished bytes, where the gateway ran.
func (b *bench) ceiling(ctx context.Context) (row, error) {
	self, err := os.Executable()
	if err != nil {
		return row{}, err
	}
	bodyFile := filepath.Join(b.dir, "answer.json")
	if err := os.WriteFile(bodyFile, b.answer, 0o644); err != nil {
		return row{}, err
	}
	addrs, err := freeAddrs(1)
	if err != nil {
		return row{}, err
	}
	argv := []string{self, staticCommand, "--body", bodyFile, "--listen", addrs[0]}
	proc, err := start("static server", b.host.onGatewayCPU(argv), filepath.Join(b.dir, "static.log"))
	if err != nil {
		return row{}, err
	}
	defer proc.stop()
	if err := proc.waitListening(ctx, addrs[0]); err != nil {
		return row{}, err
	}
	return measure(ctx, b.cfg, b.host, "ceiling: static answer", queryTargets("http://"+addrs[0]+"/graphql", b.answer), probe{proc: proc})
}

// profilePath puts a run's CPU profile next to the results file.
func profilePath(out, name string) string {
	slug := strings.NewReplacer(", ", "-", " ", "-", ":", "").Replace(name)
	return filepath.Join(filepath.Dir(out), slug+".cpu.pprof")
}
