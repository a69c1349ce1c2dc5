// Package server holds the HTTP plumbing shared by the example subgraphs: the
// gqlgen handler each of them mounts, and a serve loop that shuts down
// gracefully when its context ends.
package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

// queryCacheSize is the number of parsed and validated operations each
// subgraph keeps. A gateway sends few distinct operations, so under load every
// request after the first few is a cache hit and the subgraphs stay cheap next
// to the gateway they are measuring.
const queryCacheSize = 1000

// shutdownTimeout bounds how long Serve waits for in-flight requests.
const shutdownTimeout = 5 * time.Second

// Handler serves es at /graphql and at / over POST, and over GET for quick
// checks with curl. It has no playground and no persisted queries; it allows
// introspection, which tools expect of a development server.
func Handler(es graphql.ExecutableSchema) http.Handler {
	srv := handler.New(es)
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](queryCacheSize))
	srv.Use(extension.Introspection{})

	mux := http.NewServeMux()
	mux.Handle("/graphql", srv)
	mux.Handle("/{$}", srv)
	return mux
}

// Serve serves h on ln until ctx is done, then shuts down, giving in-flight
// requests up to shutdownTimeout to finish. It closes ln, and returns nil after
// a clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down %s: %w", ln.Addr(), err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// URL is the GraphQL endpoint of a subgraph listening on addr.
func URL(addr net.Addr) string {
	return "http://" + addr.String() + "/graphql"
}

// Run listens on addr and serves h there until ctx is done, logging the
// subgraph's URL once it accepts connections.
func Run(ctx context.Context, log *slog.Logger, name, addr string, h http.Handler) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%s subgraph: %w", name, err)
	}
	log.Info("subgraph listening", "subgraph", name, "url", URL(ln.Addr()))
	if err := Serve(ctx, ln, h); err != nil {
		return fmt.Errorf("%s subgraph: %w", name, err)
	}
	log.Info("subgraph stopped", "subgraph", name)
	return nil
}

// Main is the whole main function of one example subgraph: a --listen flag defaulting to
// 127.0.0.1:port, serving h until SIGINT or SIGTERM, exit status 1 on failure.
func Main(name string, port int, h http.Handler) {
	listen := flag.String("listen", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), "host:port to serve the subgraph on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := Run(ctx, log, name, *listen, h); err != nil {
		log.Error("subgraph failed", "subgraph", name, "err", err)
		stop()
		os.Exit(1)
	}
}
