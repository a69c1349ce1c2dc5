package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/examples/internal/server"
)

// serveMemoized serves each subgraph behind a server.Memo, with the memo's
// report at GET /memoized, until ctx is done or one of them fails.
func serveMemoized(ctx context.Context, log *slog.Logger, addrs map[string]string) error {
	names := all.Names()
	lns := make([]net.Listener, 0, len(names))
	for _, name := range names {
		var lc net.ListenConfig
		ln, err := lc.Listen(ctx, "tcp", addrs[name])
		if err != nil {
			for _, opened := range lns {
				opened.Close()
			}
			return fmt.Errorf("start %s subgraph: %w", name, err)
		}
		lns = append(lns, ln)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	handlers := all.Handlers()
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		memo := server.Memoize(handlers[name], server.MemoEntries)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /memoized", memo.ServeReport)
		mux.Handle("/", memo)
		log.Info("subgraph listening", "subgraph", name, "url", server.URL(lns[i].Addr()), "memoize_responses", true)
		wg.Go(func() {
			if err := server.Serve(ctx, lns[i], mux); err != nil {
				errs[i] = fmt.Errorf("%s subgraph: %w", name, err)
				cancel()
			}
		})
	}
	<-ctx.Done()
	log.Info("shutting down")
	wg.Wait()
	return errors.Join(errs...)
}
