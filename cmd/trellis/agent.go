package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/discovery/agent"
)

// agentCmd runs the mesh sidecar of one subgraph instance: mTLS in front of it for gateway
// identities, and its membership in the gossip cluster.
func agentCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var m meshFlags
	m.register(fs)
	subgraph := fs.String("subgraph", "", "the subgraph's name, as in the supergraph")
	target := fs.String("target", "", "the subgraph's own plain-HTTP GraphQL URL, e.g. http://127.0.0.1:4002/graphql")
	listen := fs.String("listen", "127.0.0.1:0", "address to serve the instance on (mTLS when --tls-* are given)")
	advertise := fs.String("url", "", "URL gateways use (default: https://LISTEN/graphql)")
	weight := fs.Int("weight", 0, "relative share of the subgraph's traffic (default 1)")
	version := fs.String("version", "", "free text advertised with the instance")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	fail := func(err error) int {
		fmt.Fprintf(stderr, "trellis agent: %v\n", err)
		return 1
	}
	u, err := url.Parse(*target)
	if err != nil || *target == "" || u.Host == "" {
		return fail(fmt.Errorf("--target: give the subgraph's URL, e.g. http://127.0.0.1:4002/graphql"))
	}
	if err := m.check(); err != nil {
		return fail(err)
	}
	dc, err := m.discovery(discovery.Instance{}, 0, log)
	if err != nil {
		return fail(err)
	}
	if len(dc.Join) == 0 {
		return fail(fmt.Errorf("--join: give a gateway's gossip address, e.g. 127.0.0.1:7946"))
	}
	cfg := agent.Config{Subgraph: *subgraph, Listen: *listen, URL: *advertise, Zone: m.zone, Weight: *weight,
		Version: *version, Discovery: dc, Cert: m.cert, Key: m.keyFile, Bundle: m.bundle}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := agent.Serve(ctx, cfg, agent.Proxy(u, log), log); err != nil {
		return fail(err)
	}
	return 0
}
