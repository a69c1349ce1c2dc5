package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
)

// How a gateway follows a registry: each long poll waits up to pollWait; after a failure the
// next try waits a backoff that doubles from minBackoff to maxBackoff (with jitter).
const (
	pollWait   = 30 * time.Second
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
	// idlePause separates polls that brought nothing new, so that a registry answering at
	// once (not waiting as asked) is not polled in a tight loop.
	idlePause = 100 * time.Millisecond
)

// follower applies each new supergraph of a registry until its context ends. It never stops
// on an error: the gateway keeps its last good supergraph, and failures are logged once per
// change of state (unreachable, reachable again).
type follower struct {
	next  func(ctx context.Context, after int64) (*registry.Supergraph, error)
	apply func(*registry.Supergraph) error
	log   *slog.Logger
	where string
	after int64                                      // the version served (or refused) last
	sleep func(ctx context.Context, d time.Duration) // time.Sleep that ends with ctx; tests replace it
}

func (f *follower) run(ctx context.Context) {
	if f.sleep == nil {
		f.sleep = sleepCtx
	}
	failing, backoff := false, minBackoff
	for ctx.Err() == nil {
		sg, err := f.next(ctx, f.after)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !failing {
				f.log.Warn("cannot read the registry: serving the last supergraph, retrying with backoff", "registry", f.where, "error", err.Error())
				failing = true
			}
			f.sleep(ctx, backoff/2+rand.N(backoff/2+1))
			backoff = min(backoff*2, maxBackoff)
			continue
		}
		if failing {
			f.log.Info("registry readable again", "registry", f.where)
			failing, backoff = false, minBackoff
		}
		if sg == nil || sg.Version <= f.after {
			f.sleep(ctx, idlePause)
			continue
		}
		f.after = sg.Version // a version that does not load is not tried again: the next one will be
		if err := f.apply(sg); err != nil {
			f.log.Error("supergraph from the registry refused: keeping the running one", "version", sg.Version, "error", err.Error())
			continue
		}
		f.log.Info("supergraph from the registry loaded", "version", sg.Version, "subgraphs", len(sg.Subgraphs), "hash", shortHash(sg.Hash))
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func shortHash(h string) string { return h[:min(len(h), 12)] }
