// Command serve runs the four example subgraphs in one process, on their
// default ports (accounts 4001, products 4002, inventory 4003, reviews 4004),
// the ones examples/supergraph.graphql routes to, until SIGINT or SIGTERM:
//
//	go run ./examples/serve --host 127.0.0.1
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/trellis-gql/trellis/examples/all"
)

func main() {
	host := flag.String("host", "127.0.0.1", "host or IP to serve the subgraphs on")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(log, *host); err != nil {
		log.Error("subgraphs failed", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger, host string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	sgs, err := all.StartAt(ctx, all.DefaultAddrs(host))
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
