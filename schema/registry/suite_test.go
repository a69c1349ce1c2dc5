package registry

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// opener gives a registry on a fresh, empty store, closed when the test ends.
type opener func(t *testing.T) *Registry

// testRegistry is the behaviour suite every store must pass.
func testRegistry(t *testing.T, open opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, opener)
	}{
		{"PublishStoresSubgraphAndSupergraph", testPublishStores},
		{"FirstPublishNeedsRoutingURL", testFirstPublishNeedsURL},
		{"LaterPublishKeepsRoutingURL", testLaterPublishKeepsURL},
		{"SamePublishIsUnchanged", testSamePublishUnchanged},
		{"CompositionFailureStoresOnlyTheAttempt", testCompositionFailure},
		{"BreakingChangeRefusedUnlessAllowed", testBreakingRefused},
		{"Remove", testRemove},
		{"RemoveLastSubgraphFailsComposition", testRemoveLast},
		{"Rollback", testRollback},
		{"Check", testCheck},
		{"InvalidInputChangesNothing", testInvalidInput},
		{"Authorization", testAuthorization},
		{"Tokens", testTokens},
		{"ReadOnlyToken", testReadOnlyToken},
		{"OverrideOfAnotherTeamRefused", testOverrideOfAnotherTeam},
		{"TakeoverFinderFailures", testTakeoverFinderFailures},
		{"BootstrapWithAdminToken", testBootstrapWithAdminToken},
		{"History", testHistory},
		{"ComposerAndDifferFailures", testComposerFailures},
		{"CancelledPublishStoresNothing", testCancelledPublish},
		{"FailureMidWayStoresNothing", testFailureMidWayStoresNothing},
		{"ConcurrentPublishesAllLand", testConcurrentPublishes},
		{"SurvivesCloseAndOpen", testSurvivesReopen},
		{"MigrationsAreIdempotent", testMigrations},
		{"ViewIsOneSnapshot", testViewIsOneSnapshot},
		{"RetentionBoundsSupergraphsAndAttempts", testRetention},
		{"WaitWakesOnInProcessPublish", testWaitInProcess},
		{"WaitSeesOtherProcess", testWaitOtherProcess},
		{"WaitReturnsOnContextAndClose", testWaitReturns},
		{"WaitRereadsTheStore", testWaitRereadsStore},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each test has its own store
			tc.fn(t, open)
		})
	}
}

var admin = &Principal{TokenID: adminTokenID, Team: adminTeam, Admin: true}

const (
	urlA = "http://a.internal/graphql"
	urlB = "http://b.internal/graphql"
)

func publish(t *testing.T, r *Registry, p *Principal, in Input, allowBreaking bool, wantStatus string) *Result {
	t.Helper()
	res, err := r.Publish(context.Background(), p, in, allowBreaking)
	if err != nil {
		t.Fatalf("Publish(%s): %v", in.Name, err)
	}
	if res.Status != wantStatus {
		t.Fatalf("Publish(%s) status = %q (%s); want %q", in.Name, res.Status, res.Message, wantStatus)
	}
	return res
}

func history(t *testing.T, r *Registry, name string) []Publication {
	t.Helper()
	h, err := r.History(context.Background(), name, 0)
	if err != nil {
		t.Fatalf("History(%q): %v", name, err)
	}
	return h
}

// statuses lists "action/status" of attempts, newest first.
func statuses(h []Publication) []string {
	var out []string
	for _, p := range h {
		out = append(out, p.Action+"/"+p.Status)
	}
	return out
}

func supergraph(t *testing.T, r *Registry) *Supergraph {
	t.Helper()
	sg, err := r.Supergraph(context.Background())
	if err != nil {
		t.Fatalf("Supergraph: %v", err)
	}
	return sg
}

func subgraphNames(t *testing.T, r *Registry) []string {
	t.Helper()
	set, err := r.Subgraphs(context.Background())
	if err != nil {
		t.Fatalf("Subgraphs: %v", err)
	}
	var out []string
	for _, s := range set {
		out = append(out, s.Name)
	}
	return out
}

func wantErr(t *testing.T, what string, err, target error, contains ...string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: err = %v; want %v", what, err, target)
	}
	for _, c := range contains {
		if !strings.Contains(err.Error(), c) {
			t.Fatalf("%s: err = %q; want it to contain %q", what, err, c)
		}
	}
}

// assertNothingStored checks that the store holds no subgraph, supergraph or attempt.
func assertNothingStored(t *testing.T, r *Registry) {
	t.Helper()
	if names := subgraphNames(t, r); len(names) != 0 {
		t.Errorf("subgraphs = %v; want none", names)
	}
	if sg := supergraph(t, r); sg != nil {
		t.Errorf("supergraph = version %d; want none", sg.Version)
	}
	if h := history(t, r, ""); len(h) != 0 {
		t.Errorf("history = %v; want empty", statuses(h))
	}
}

func refs(sg *Supergraph) []SubgraphRef {
	if sg == nil {
		return nil
	}
	return sg.Subgraphs
}

func equalRefs(a, b []SubgraphRef) bool { return slices.Equal(a, b) }
