package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trellis-gql/trellis/executor"
)

func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("supergraph", "", "supergraph SDL file to serve")
	listen := fs.String("listen", "127.0.0.1:4000", "address to listen on")
	dev := fs.Bool("dev", false, "development mode: query plans in responses on request")
	drain := fs.Duration("drain-timeout", 10*time.Second, "how long SIGTERM waits for requests in flight")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	sg, err := loadSupergraph(*path)
	if err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	cfg := executor.DefaultConfig()
	cfg.Dev = *dev
	gw, err := executor.New(cfg, sg, nil, log)
	if err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           routes(gw),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // a client trickling its body cannot hold a connection forever
		IdleTimeout:       120 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Info("serving", "address", "http://"+ln.Addr().String()+"/graphql", "supergraph", *path, "subgraphs", len(sg.Graphs))
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down", "drain_timeout", drain.String())
	sctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "trellis serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}

func routes(gw *executor.Gateway) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", gw)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
	})
	return mux
}
