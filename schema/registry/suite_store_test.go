package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

func testHistory(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	publish(t, r, admin, Input{Name: "b", RoutingURL: urlB, SDL: "type Query { b: Int }"}, false, StatusPublished)
	publish(t, r, admin, Input{Name: "a", SDL: "FAIL"}, false, StatusFailed)
	all := history(t, r, "")
	if got := statuses(all); !slices.Equal(got, []string{"publish/failed", "publish/published", "publish/published"}) {
		t.Fatalf("history = %v", got)
	}
	if all[0].ID <= all[1].ID || all[1].ID <= all[2].ID || all[0].CreatedAt.IsZero() {
		t.Fatalf("ids = %d %d %d; want newest first", all[0].ID, all[1].ID, all[2].ID)
	}
	onlyA := history(t, r, "a")
	if len(onlyA) != 2 || onlyA[0].Subgraph != "a" || onlyA[1].Subgraph != "a" {
		t.Fatalf("history of a = %+v", onlyA)
	}
	one, err := r.History(ctx, "", 1)
	if err != nil || len(one) != 1 || one[0].ID != all[0].ID {
		t.Fatalf("History limit 1 = %+v, %v", one, err)
	}
	if h := history(t, r, "never"); len(h) != 0 {
		t.Fatalf("history of an unknown subgraph = %v; want empty", statuses(h))
	}
	_, err = r.History(ctx, "bad name", 1)
	wantErr(t, "History with a bad name", err, ErrInvalid)
	_, err = r.Versions(ctx, "never")
	wantErr(t, "Versions of an unknown subgraph", err, ErrNotFound, "never published")
}

func testComposerFailures(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	in := Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}
	for _, tc := range []struct {
		name    string
		compose Composer
		diff    Differ
		message string
	}{
		{"composer error", func(context.Context, []Source) (string, []Problem, error) {
			return "", nil, errors.New("composer down")
		}, fakeDiff, "composing: composer down"},
		{"composer panic", func(context.Context, []Source) (string, []Problem, error) {
			panic("boom")
		}, fakeDiff, "the composer panicked: boom"},
		{"composer returns nothing", func(context.Context, []Source) (string, []Problem, error) {
			return " ", nil, nil
		}, fakeDiff, "neither a supergraph nor problems"},
		{"differ error", fakeCompose, func(string, string) ([]Change, error) {
			return nil, errors.New("differ down")
		}, "classifying changes: differ down"},
		{"differ panic", fakeCompose, func(string, string) ([]Change, error) {
			panic("bang")
		}, "the differ panicked: bang"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.compose, r.diff = tc.compose, tc.diff
			_, err := r.Publish(ctx, admin, in, true)
			if err == nil || !strings.Contains(err.Error(), tc.message) || !strings.Contains(err.Error(), `publish "a"`) {
				t.Fatalf("Publish err = %v; want one about %q", err, tc.message)
			}
			_, err = r.Check(ctx, admin, in)
			if err == nil || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("Check err = %v; want one about %q", err, tc.message)
			}
			assertNothingStored(t, r)
		})
	}
	r.compose, r.diff = fakeCompose, fakeDiff
	publish(t, r, admin, in, false, StatusPublished)
}

func testCancelledPublish(t *testing.T, open opener) {
	r := open(t)
	entered := make(chan struct{})
	r.compose = func(ctx context.Context, s []Source) (string, []Problem, error) {
		close(entered)
		<-ctx.Done()
		return "", nil, ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := r.Publish(ctx, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, true)
		done <- err
	}()
	<-entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Publish err = %v; want context.Canceled", err)
	}
	assertNothingStored(t, r)
	if _, err := r.Versions(context.Background(), "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Versions after a cancelled publish err = %v; want ErrNotFound", err)
	}
	// A composer that ignores ctx and answers late: the writes must still not land.
	ctx, cancel = context.WithCancel(context.Background())
	r.compose = func(c context.Context, s []Source) (string, []Problem, error) {
		cancel()
		return fakeCompose(context.Background(), s)
	}
	if _, err := r.Publish(ctx, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, true); err == nil {
		t.Fatal("Publish whose context ended during composition succeeded")
	}
	assertNothingStored(t, r)
	r.compose = fakeCompose
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	if sg := supergraph(t, r); sg == nil || sg.Version != 1 {
		t.Fatalf("supergraph after recovery = %+v; want version 1", sg)
	}
}

// testFailureMidWayStoresNothing fails a publish after its subgraph version is written: the
// transaction must take the subgraph version back with it.
func testFailureMidWayStoresNothing(t *testing.T, open opener) {
	r := open(t)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	r.beforeSupergraph = func() error { return errors.New("disk full") }
	_, err := r.Publish(context.Background(), admin, Input{Name: "a", SDL: "type Query { a: Int b: Int }"}, false)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Publish err = %v; want the injected failure", err)
	}
	_, err = r.Publish(context.Background(), admin, Input{Name: "b", RoutingURL: urlB, SDL: "type Query { b: Int }"}, false)
	if err == nil {
		t.Fatal("Publish of a new subgraph succeeded despite the injected failure")
	}
	r.beforeSupergraph = nil
	if v, err := r.Versions(context.Background(), "a"); err != nil || len(v) != 1 {
		t.Fatalf("versions of a = %d, %v; want 1 (the failed write rolled back)", len(v), err)
	}
	if names := subgraphNames(t, r); !slices.Equal(names, []string{"a"}) {
		t.Fatalf("subgraphs = %v; want [a]", names)
	}
	if h := history(t, r, ""); len(h) != 1 {
		t.Fatalf("history = %v; want the first publish only", statuses(h))
	}
	res := publish(t, r, admin, Input{Name: "a", SDL: "type Query { a: Int b: Int }"}, false, StatusPublished)
	if res.SubgraphVersion != 2 || res.SupergraphVersion != 2 {
		t.Fatalf("publish after the failure = %+v; want versions 2 and 2", res.Publication)
	}
}

// testConcurrentPublishes publishes n subgraphs at once through two registries on the same
// store (as two processes would): every publish must land, and each supergraph version must
// contain all those before it.
func testConcurrentPublishes(t *testing.T, open opener) {
	const n = 8
	r1 := open(t)
	r2 := reopen(t, r1, nil)
	var wg sync.WaitGroup
	results := make([]*Result, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		r := r1
		if i%2 == 1 {
			r = r2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			name := fmt.Sprintf("s%d", i)
			results[i], errs[i] = r.Publish(context.Background(), admin, Input{Name: name, RoutingURL: urlA, SDL: "type Query { " + name + ": Int }"}, false)
		}()
	}
	close(start)
	wg.Wait()
	var versions []int64
	for i := range n {
		if errs[i] != nil || results[i].Status != StatusPublished {
			t.Fatalf("publish %d = %+v, %v; want published", i, results[i], errs[i])
		}
		versions = append(versions, results[i].SupergraphVersion)
	}
	sort.Slice(results, func(i, j int) bool { return results[i].SupergraphVersion < results[j].SupergraphVersion })
	for i, res := range results {
		if res.SupergraphVersion != int64(i+1) || len(res.Supergraph.Subgraphs) != i+1 {
			t.Fatalf("supergraph versions %v: version %d has %d subgraphs; want versions 1..%d each adding one", versions, res.SupergraphVersion, len(res.Supergraph.Subgraphs), n)
		}
	}
	final := supergraph(t, r2)
	if final.Version != n || len(final.Subgraphs) != n || len(subgraphNames(t, r1)) != n {
		t.Fatalf("final supergraph = version %d with %v; want version %d with %d subgraphs", final.Version, final.Subgraphs, n, n)
	}
	for i := range n {
		if !strings.Contains(final.SDL, fmt.Sprintf("s%d: Int", i)) {
			t.Fatalf("final supergraph lacks s%d:\n%s", i, final.SDL)
		}
	}
}

func testSurvivesReopen(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	secret, _, err := r.Bootstrap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	publish(t, r, admin, Input{Name: "a", SDL: "FAIL"}, false, StatusFailed)
	before := supergraph(t, r)
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, err = r.Publish(ctx, admin, Input{Name: "a", RoutingURL: urlA, SDL: "x"}, false)
	wantErr(t, "Publish after Close", err, ErrClosed)
	_, err = r.Subgraphs(ctx)
	wantErr(t, "Subgraphs after Close", err, ErrClosed)

	r2 := reopen(t, r, nil)
	after := supergraph(t, r2)
	if after == nil || after.Version != before.Version || after.Hash != before.Hash || !equalRefs(after.Subgraphs, before.Subgraphs) {
		t.Fatalf("supergraph after reopen = %+v; want %+v", after, before)
	}
	if got := statuses(history(t, r2, "")); !slices.Equal(got, []string{"publish/failed", "publish/published"}) {
		t.Fatalf("history after reopen = %v", got)
	}
	if p, err := r2.Authenticate(ctx, secret); err != nil || !p.Admin {
		t.Fatalf("admin token after reopen: %+v, %v", p, err)
	}
	publish(t, r2, admin, Input{Name: "a", SDL: "type Query { a: Int b: Int }"}, false, StatusPublished)
}

func testMigrations(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	d := sqliteDialect
	if _, ok := r.store.(*postgresStore); ok {
		d = postgresDialect
	}
	if err := migrate(ctx, r.store, d); err != nil {
		t.Fatalf("migrating again: %v", err)
	}
	var rows, version int
	err := r.store.view(ctx, func(q *queries) error {
		_, err := q.row(ctx, "count", `SELECT COUNT(*), MAX(version) FROM schema_version`, nil, &rows, &version)
		return err
	})
	if err != nil || rows != len(migrations) || version != migrations[len(migrations)-1].version {
		t.Fatalf("schema_version = %d rows up to %d, %v; want %d", rows, version, err, len(migrations))
	}
	if names := subgraphNames(t, r); !slices.Equal(names, []string{"a"}) {
		t.Fatalf("subgraphs after migrating again = %v", names)
	}
	err = r.store.update(ctx, func(q *queries) error {
		_, err := q.exec(ctx, "future", `INSERT INTO schema_version (version, applied_at) VALUES (99, 0)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, r.dsn, r.opts)
	if err == nil || !strings.Contains(err.Error(), "schema is version 99") || !strings.Contains(err.Error(), "run a newer Trellis") {
		t.Fatalf("Open of a newer store err = %v; want one naming version 99", err)
	}
}

func testRetention(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	r.keepSupergraphs, r.keepPublications = 2, 3
	for i := range 5 {
		publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: fmt.Sprintf("type Query { a%d: Int }", i)}, true, StatusPublished)
	}
	var supergraphs, publications int
	err := r.store.view(ctx, func(q *queries) error {
		if _, err := q.row(ctx, "count", `SELECT COUNT(*) FROM supergraphs`, nil, &supergraphs); err != nil {
			return err
		}
		_, err := q.row(ctx, "count", `SELECT COUNT(*) FROM publications`, nil, &publications)
		return err
	})
	if err != nil || supergraphs != 2 || publications != 3 {
		t.Fatalf("stored supergraphs = %d, attempts = %d, %v; want 2 and 3", supergraphs, publications, err)
	}
	if sg := supergraph(t, r); sg.Version != 5 || !strings.Contains(sg.SDL, "a4") {
		t.Fatalf("latest supergraph = %d; want 5", sg.Version)
	}
	if v, _ := r.Versions(ctx, "a"); len(v) != 5 {
		t.Fatalf("subgraph versions = %d; want all 5 kept for rollback", len(v))
	}
}

// testViewIsOneSnapshot: what a read view reads is one snapshot (Check reads the current set,
// then the latest supergraph, and composes them together): a publish committed between two
// of its statements is not seen by the second.
func testViewIsOneSnapshot(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	var before, after int64
	var names []string
	err := r.store.view(ctx, func(q *queries) error {
		var err error
		if before, err = q.latestSupergraphVersion(ctx); err != nil {
			return err
		}
		publish(t, r, admin, Input{Name: "b", RoutingURL: urlB, SDL: "type Query { b: Int }"}, false, StatusPublished)
		set, err := q.currentSet(ctx)
		for _, s := range set {
			names = append(names, s.Name)
		}
		if err != nil {
			return err
		}
		after, err = q.latestSupergraphVersion(ctx)
		return err
	})
	if err != nil || before != 1 || after != 1 || !slices.Equal(names, []string{"a"}) {
		t.Fatalf("in one view: version %d, then set %v and version %d (%v); want 1, [a], 1: the publish in between is not seen",
			before, names, after, err)
	}
	if sg := supergraph(t, r); sg.Version != 2 {
		t.Fatalf("after the view: version %d; want 2", sg.Version)
	}
}
