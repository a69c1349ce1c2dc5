package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
)

// TestFollowerAfterStoreReplaced: a registry whose store was replaced or restored numbers its
// versions from lower again. The follower applies what differs from what it serves, whatever
// the number (warning that the versions went back), and then follows the new numbering; an
// answer with the hash it serves applies nothing.
func TestFollowerAfterStoreReplaced(t *testing.T) {
	sg := func(v int64, hash string) *registry.Supergraph { return &registry.Supergraph{Version: v, Hash: hash} }
	steps := []*registry.Supergraph{
		sg(5, "five"),     // what it serves: nothing to do
		sg(2, "restored"), // the store was replaced: applied
		sg(2, "restored"), // nothing new
		sg(3, "three"),    // the new numbering goes on
		sg(1, "three"),    // restored again, to the graph it serves: nothing to apply, but follow v1
		sg(2, "two"),
	}
	var afters, applied []int64
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &follower{after: 5, hash: "five",
		next: func(_ context.Context, after int64) (*registry.Supergraph, error) {
			afters = append(afters, after)
			if len(afters) > len(steps) {
				cancel()
				return nil, nil
			}
			return steps[len(afters)-1], nil
		},
		apply: func(sg *registry.Supergraph) error { applied = append(applied, sg.Version); return nil },
		log:   slog.New(slog.NewTextHandler(&logs, nil)),
		where: "http://registry.test",
		sleep: func(context.Context, time.Duration) {},
	}
	f.run(ctx)
	if want := []int64{2, 3, 2}; !equalInts(applied, want) {
		t.Errorf("applied %v, want %v\n%s", applied, want, logs.String())
	}
	if want := []int64{5, 5, 2, 2, 3, 1, 2}; !equalInts(afters, want) {
		t.Errorf("polled after %v, want %v", afters, want)
	}
	if n := strings.Count(logs.String(), "versions went back"); n != 2 {
		t.Errorf("%d warnings that the versions went back, want 2:\n%s", n, logs.String())
	}
}

// TestPolicyFollowerAfterStoreReplaced: the same for the central policy.
func TestPolicyFollowerAfterStoreReplaced(t *testing.T) {
	var applied []int64
	calls := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &followerOf[*registry.PolicyVersion]{after: 4, hash: "four",
		next: func(context.Context, int64) (*registry.PolicyVersion, error) {
			if calls++; calls > 3 {
				cancel()
			}
			return &registry.PolicyVersion{Version: 1, Hash: "restored"}, nil
		},
		apply: func(pv *registry.PolicyVersion) error { applied = append(applied, pv.Version); return nil },
		log:   slog.New(slog.DiscardHandler),
		sleep: func(context.Context, time.Duration) {},
	}
	f.run(ctx)
	if want := []int64{1}; !equalInts(applied, want) {
		t.Errorf("applied %v, want %v", applied, want)
	}
}
