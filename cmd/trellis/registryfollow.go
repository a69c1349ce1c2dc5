package main

import (
	"context"
	"fmt"
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

// follower applies each new supergraph of a registry until its context ends.
type follower = followerOf[*registry.Supergraph]

// followerOf applies each new version of something a registry publishes (a supergraph, a
// policy: see describe) until its context ends. It never stops on an error: the gateway keeps
// what it applied last, and failures are logged once per change of state (unreachable,
// reachable again).
type followerOf[T any] struct {
	next  func(ctx context.Context, after int64) (T, error)
	apply func(T) error
	log   *slog.Logger
	where string
	after int64                                      // the version applied (or refused) last
	hash  string                                     // its hash: what the gateway serves (or refused)
	sleep func(ctx context.Context, d time.Duration) // time.Sleep that ends with ctx; tests replace it
	// readable, when set, hears each change between reading the registry and failing to.
	readable func(ok bool)
}

// followed is what the follower logs about the things it follows.
type followed struct {
	unreadable, readable, refused, loaded string
}

var (
	followedSupergraph = followed{
		unreadable: "cannot read the registry: serving the last supergraph, retrying with backoff",
		readable:   "registry readable again",
		refused:    "supergraph from the registry refused: keeping the running one",
		loaded:     "supergraph from the registry loaded",
	}
	followedPolicy = followed{
		unreadable: "the registry's policy is unreadable: keeping the current policy, retrying with backoff",
		readable:   "the registry's policy is readable again",
		refused:    "policy from the registry refused: keeping the running configuration",
		loaded:     "policy from the registry in effect",
	}
)

// describe gives the version of v (0 for none), its hash and how to log it.
func describe(v any) (version int64, hash string, msgs followed, attrs []any) {
	switch v := v.(type) {
	case *registry.Supergraph:
		if v != nil {
			version, hash, attrs = v.Version, v.Hash, []any{"subgraphs", len(v.Subgraphs), "hash", shortHash(v.Hash)}
		}
		return version, hash, followedSupergraph, attrs
	case *registry.PolicyVersion:
		if v != nil {
			version, hash, attrs = v.Version, v.Hash, []any{"hash", shortHash(v.Hash), "by", v.CreatedBy}
		}
		return version, hash, followedPolicy, attrs
	}
	panic(fmt.Sprintf("follower of %T", v)) // a programming error: only the types above are followed
}

func (f *followerOf[T]) run(ctx context.Context) {
	if f.sleep == nil {
		f.sleep = sleepCtx
	}
	var zero T
	_, _, msgs, _ := describe(zero)
	failing, backoff := false, minBackoff
	for ctx.Err() == nil {
		got, err := f.next(ctx, f.after)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !failing {
				f.log.Warn(msgs.unreadable, "registry", f.where, "error", err.Error())
				failing = true
				f.tell(false)
			}
			f.sleep(ctx, backoff/2+rand.N(backoff/2+1))
			backoff = min(backoff*2, maxBackoff)
			continue
		}
		if failing {
			f.log.Info(msgs.readable, "registry", f.where)
			failing, backoff = false, minBackoff
			f.tell(true)
		}
		version, hash, _, attrs := describe(got)
		if version < f.after && version > 0 {
			// The registry's store was replaced or restored: its numbering starts lower. Follow it
			// (asking for versions after f.after would wait for numbers that mean nothing).
			f.log.Warn("the registry's versions went back: was its store replaced or restored? following its numbering",
				"registry", f.where, "version", version, "was", f.after)
		}
		if version == 0 || hash == f.hash && version <= f.after {
			if version > 0 {
				f.after = version // the same one, perhaps under a lower number: follow the number
			}
			f.sleep(ctx, idlePause)
			continue
		}
		// What differs from what the gateway serves applies, newer or not; a version that does
		// not apply is not tried again: the next one will be.
		f.after, f.hash = version, hash
		if err := f.apply(got); err != nil {
			f.log.Error(msgs.refused, "version", version, "error", err.Error())
			continue
		}
		f.log.Info(msgs.loaded, append([]any{"version", version}, attrs...)...)
	}
}

func (f *followerOf[T]) tell(ok bool) {
	if f.readable != nil {
		f.readable(ok)
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
