// Command serve runs the four example subgraphs in one process, on their
// default ports (accounts 4001, products 4002, inventory 4003, reviews 4004),
// the ones examples/supergraph.graphql routes to, until SIGINT or SIGTERM:
//
//	go run ./examples/serve --host 127.0.0.1
//
// --addr name=host:port moves one subgraph elsewhere. --mesh runs several instances of each
// on free ports, joined to a gateway's gossip cluster with mTLS (see make mesh-demo). --memoize-responses is a
// benchmark mode: each subgraph answers a request it has answered before from
// memory, and lists what it was asked at GET /memoized (see server.Memo).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/trellis-gql/trellis/examples/all"
)

func main() {
	host := flag.String("host", "127.0.0.1", "host or IP to serve the subgraphs on")
	memoize := flag.Bool("memoize-responses", false, "benchmark mode: answer repeated identical requests from memory and list them at GET /memoized")
	var mesh meshOptions
	meshOn := flag.Bool("mesh", false, "run every subgraph as --instances instances on free ports, joined to the gateway's gossip cluster (--join)")
	flag.IntVar(&mesh.instances, "instances", 2, "with --mesh: instances of each subgraph")
	flag.StringVar(&mesh.join, "join", "", "with --mesh: the gateway's gossip address, e.g. 127.0.0.1:7946")
	flag.StringVar(&mesh.key, "gossip-key", os.Getenv("TRELLIS_GOSSIP_KEY"), "with --mesh: the gossip key (or $TRELLIS_GOSSIP_KEY)")
	flag.StringVar(&mesh.tlsDir, "tls-dir", "", "with --mesh: folder of bundle.pem and subgraph-NAME.pem/-key.pem (trellis ca issue); mTLS when set")
	moved := map[string]string{}
	flag.Func("addr", "`name=host:port` of one subgraph, instead of its default port on --host (repeatable)", func(s string) error {
		name, addr, ok := strings.Cut(s, "=")
		if !ok || !slices.Contains(all.Names(), name) {
			return fmt.Errorf("want name=host:port with name one of %v", all.Names())
		}
		moved[name] = addr
		return nil
	})
	flag.Parse()

	addrs := all.DefaultAddrs(*host)
	for name, addr := range moved {
		addrs[name] = addr
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if *meshOn {
		mesh.host = *host
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := serveMesh(ctx, log, mesh); err != nil {
			log.Error("mesh failed", "err", err)
			os.Exit(1)
		}
		return
	}
	if err := run(log, addrs, *memoize); err != nil {
		log.Error("subgraphs failed", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger, addrs map[string]string, memoize bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if memoize {
		return serveMemoized(ctx, log, addrs)
	}

	sgs, err := all.StartAt(ctx, addrs)
	if err != nil {
		return err
	}
	for _, name := range all.Names() {
		log.Info("subgraph listening", "subgraph", name, "url", sgs.URL(name))
	}
	<-ctx.Done()
	log.Info("shutting down")
	return sgs.Close()
}
