package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// gateway is one configuration of the gateway under test: a row of the table.
type gateway struct {
	name  string
	argv  []string // before pinning
	addr  string   // host:port it listens on
	url   string   // its GraphQL endpoint
	pprof string   // host:port of its pprof server, if profiling
}

// plan is what a run measures besides the subgraphs and the ceiling.
type plan struct {
	gateways []gateway
	// dedup says whether inbound request deduplication is measured, or why not.
	dedup string
	notes []string
}

// planGateways returns Trellis with dedup off and, if it has --dedup, on; or
// the one gateway of --gateway-cmd.
func planGateways(cfg config, supergraph string) (plan, error) {
	addrs, err := freeAddrs(4)
	if err != nil {
		return plan{}, err
	}
	if cfg.gatewayCmd != "" {
		return planCustom(cfg, supergraph, addrs[0]), nil
	}
	help, err := serveHelp(cfg.trellis)
	if err != nil {
		return plan{}, err
	}
	var p plan
	for i, dedup := range []bool{false, true} {
		name := "trellis, dedup off"
		argv := []string{cfg.trellis, "serve", "--supergraph", supergraph, "--listen", addrs[i]}
		if dedup {
			if !hasFlag(help, "dedup") {
				p.dedup = "not supported by this gateway"
				break
			}
			name, argv = "trellis, dedup on", append(argv, "--dedup")
			p.dedup = "measured"
		}
		gw := gateway{name: name, argv: argv, addr: addrs[i], url: "http://" + addrs[i] + "/graphql"}
		if cfg.profile && hasFlag(help, "pprof") {
			gw.pprof = addrs[2+i]
			gw.argv = append(gw.argv, "--pprof", gw.pprof)
		}
		p.gateways = append(p.gateways, gw)
	}
	if cfg.profile && !hasFlag(help, "pprof") {
		p.notes = append(p.notes, "profile: not supported by this gateway (no --pprof)")
	}
	return p, nil
}

// planCustom runs --gateway-cmd through sh, with its placeholders filled in.
func planCustom(cfg config, supergraph, addr string) plan {
	_, port, _ := strings.Cut(addr, ":")
	fill := strings.NewReplacer("{supergraph}", supergraph, "{listen}", addr, "{port}", port)
	command := fill.Replace(cfg.gatewayCmd)
	name := filepath.Base(strings.Fields(command + " gateway")[0])
	gw := gateway{name: name, argv: []string{"sh", "-c", "exec " + command}, addr: addr, url: fill.Replace(cfg.gatewayURL)}
	p := plan{gateways: []gateway{gw}, dedup: "not measured (--gateway-cmd)"}
	if cfg.profile {
		p.notes = append(p.notes, "profile: not available with --gateway-cmd")
	}
	return p
}

// serveHelp is the output of trellis serve --help, which lists its flags.
func serveHelp(bin string) (string, error) {
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("gateway binary: %w (run make build, or make bench-load)", err)
	}
	out, err := exec.Command(bin, "serve", "--help").CombinedOutput()
	if len(out) == 0 {
		return "", fmt.Errorf("%s serve --help: %v", bin, err)
	}
	return string(out), nil // flag's --help exits 2 or 0; the text is what counts
}

// hasFlag reports whether Go flag usage text lists --name.
func hasFlag(help, name string) bool {
	return regexp.MustCompile(`(?m)^\s*--?` + regexp.QuoteMeta(name) + `(\s|=|$)`).MatchString(help)
}
