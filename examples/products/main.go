// Command products serves the products example subgraph until SIGINT or SIGTERM:
//
//	go run ./examples/products --listen 127.0.0.1:4002
package main

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/trellis-gql/trellis/examples/internal/server"
	"github.com/trellis-gql/trellis/examples/products/subgraph"
)

func main() {
	defaultAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(subgraph.DefaultPort))
	listen := flag.String("listen", defaultAddr, "host:port to serve the subgraph on")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := server.Run(ctx, log, subgraph.Name, *listen, subgraph.Handler()); err != nil {
		log.Error("subgraph failed", "subgraph", subgraph.Name, "err", err)
		stop()
		os.Exit(1)
	}
}
