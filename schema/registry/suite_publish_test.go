package registry

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func testPublishStores(t *testing.T, open opener) {
	r := open(t)
	res := publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	if res.SubgraphVersion != 1 || res.SupergraphVersion != 1 || res.Action != ActionPublish || res.By != adminTeam || res.ID == 0 {
		t.Fatalf("result = %+v; want subgraph version 1, supergraph version 1, action publish by admin, an ID", res.Publication)
	}
	if res.Message != `published subgraph "a" version 1; supergraph version 1 (1 change, 0 breaking)` {
		t.Errorf("message = %q", res.Message)
	}
	sg := res.Supergraph
	wantSDL := "# a " + urlA + "\ntype Query { a: Int }\n"
	if sg == nil || sg.Version != 1 || sg.SDL != wantSDL || sg.Hash != sha256Hex(wantSDL) || len(sg.Hash) != 64 ||
		!equalRefs(sg.Subgraphs, []SubgraphRef{{"a", 1}}) || sg.CreatedAt.IsZero() {
		t.Fatalf("supergraph = %+v; want version 1 of a's SDL with its hash and ref a@1", sg)
	}
	stored := supergraph(t, r)
	if stored == nil || stored.Version != 1 || stored.SDL != sg.SDL || stored.Hash != sg.Hash ||
		!equalRefs(stored.Subgraphs, sg.Subgraphs) || !stored.CreatedAt.Equal(sg.CreatedAt) {
		t.Fatalf("stored supergraph = %+v; want %+v", stored, sg)
	}
	s, err := r.Subgraph(context.Background(), "a")
	if err != nil || s.Version != 1 || s.RoutingURL != urlA || s.SDL != "type Query { a: Int }" || s.PublishedBy != adminTeam || s.PublishedAt.IsZero() {
		t.Fatalf("Subgraph(a) = %+v, %v", s, err)
	}
	publish(t, r, admin, Input{Name: "b", RoutingURL: urlB, SDL: "type Query { b: Int }"}, false, StatusPublished)
	if names := subgraphNames(t, r); !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("subgraphs = %v; want [a b]", names)
	}
	if sg := supergraph(t, r); sg.Version != 2 || !equalRefs(sg.Subgraphs, []SubgraphRef{{"a", 1}, {"b", 1}}) {
		t.Fatalf("supergraph = version %d %v; want 2 [a@1 b@1]", sg.Version, sg.Subgraphs)
	}
	h := history(t, r, "")
	if got := statuses(h); !slices.Equal(got, []string{"publish/published", "publish/published"}) || h[0].Subgraph != "b" ||
		h[0].SupergraphVersion != 2 || len(h[0].Changes) != 1 || h[0].Changes[0].Level != LevelSafe {
		t.Fatalf("history = %+v", h)
	}
}

func testFirstPublishNeedsURL(t *testing.T, open opener) {
	r := open(t)
	_, err := r.Publish(context.Background(), admin, Input{Name: "a", SDL: "type Query { a: Int }"}, false)
	wantErr(t, "first publish without URL", err, ErrInvalid, `subgraph "a" is new: give its routing URL`)
	assertNothingStored(t, r)
}

func testLaterPublishKeepsURL(t *testing.T, open opener) {
	r := open(t)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	res := publish(t, r, admin, Input{Name: "a", SDL: "type Query { a: Int b: Int }"}, false, StatusPublished)
	s, err := r.Subgraph(context.Background(), "a")
	if err != nil || res.SubgraphVersion != 2 || s.Version != 2 || s.RoutingURL != urlA {
		t.Fatalf("after publish without URL: %+v, %v; want version 2 keeping %s", s, err, urlA)
	}
	// A new URL alone is a change (a new supergraph), not a breaking one.
	res = publish(t, r, admin, Input{Name: "a", RoutingURL: urlB, SDL: "type Query { a: Int b: Int }"}, false, StatusPublished)
	if res.SubgraphVersion != 3 || res.SupergraphVersion != 3 || len(res.Changes) != 0 || !strings.Contains(res.Supergraph.SDL, urlB) {
		t.Fatalf("URL change = %+v; want version 3, supergraph 3 with the new URL, no changes", res.Publication)
	}
}

func testSamePublishUnchanged(t *testing.T, open opener) {
	r := open(t)
	in := Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}
	publish(t, r, admin, in, false, StatusPublished)
	res := publish(t, r, admin, in, false, StatusUnchanged)
	if res.SubgraphVersion != 1 || res.SupergraphVersion != 1 || res.Supergraph != nil || !strings.HasPrefix(res.Message, "unchanged:") {
		t.Fatalf("unchanged result = %+v %q", res.Publication, res.Message)
	}
	in.RoutingURL = "" // keeps the current one: still the same
	publish(t, r, admin, in, false, StatusUnchanged)
	if v, err := r.Versions(context.Background(), "a"); err != nil || len(v) != 1 {
		t.Fatalf("versions = %d, %v; want 1", len(v), err)
	}
	if sg := supergraph(t, r); sg.Version != 1 {
		t.Fatalf("supergraph version = %d; want 1", sg.Version)
	}
	if got := statuses(history(t, r, "a")); !slices.Equal(got, []string{"publish/unchanged", "publish/unchanged", "publish/published"}) {
		t.Fatalf("history = %v", got)
	}
}

func testCompositionFailure(t *testing.T, open opener) {
	r := open(t)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	before := supergraph(t, r)
	res := publish(t, r, admin, Input{Name: "a", SDL: "type Query { FAIL }"}, true, StatusFailed)
	want := []Problem{{Code: "INVALID_GRAPHQL", Message: "found FAIL\nhere", Subgraph: "a", Coordinate: "Query", Line: 1, Column: 2}}
	if !slices.Equal(res.Problems, want) || res.Supergraph != nil || res.SubgraphVersion != 0 || res.SupergraphVersion != 1 {
		t.Fatalf("failed result = %+v; want the problem, no supergraph, subgraph version 0, supergraph version 1", res.Publication)
	}
	if res.Message != "failed: composition failed with 1 problem; first: [a] INVALID_GRAPHQL: found FAIL here; nothing changed" {
		t.Errorf("message = %q", res.Message)
	}
	if sg := supergraph(t, r); sg.Version != before.Version || sg.Hash != before.Hash {
		t.Fatalf("supergraph changed to version %d", sg.Version)
	}
	if s, _ := r.Subgraph(context.Background(), "a"); s.Version != 1 || s.SDL != "type Query { a: Int }" {
		t.Fatalf("current a = version %d %q; want version 1 unchanged", s.Version, s.SDL)
	}
	if v, _ := r.Versions(context.Background(), "a"); len(v) != 1 {
		t.Fatalf("versions = %d; want 1 (the failed schema is not stored)", len(v))
	}
	h := history(t, r, "a")
	if h[0].Status != StatusFailed || !slices.Equal(h[0].Problems, want) {
		t.Fatalf("stored attempt = %+v; want failed with the problem", h[0])
	}
	// A new subgraph that fails is not added to the set either.
	publish(t, r, admin, Input{Name: "b", RoutingURL: urlB, SDL: "FAIL"}, false, StatusFailed)
	if names := subgraphNames(t, r); !slices.Equal(names, []string{"a"}) {
		t.Fatalf("subgraphs = %v; want [a]", names)
	}
	if _, err := r.Versions(context.Background(), "b"); err == nil {
		t.Fatal("Versions(b) found versions of a subgraph that never composed")
	}
}

func testBreakingRefused(t *testing.T, open opener) {
	r := open(t)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query {\na: Int\nb: Int\n}"}, false, StatusPublished)
	res := publish(t, r, admin, Input{Name: "a", SDL: "type Query {\na: Int\nc: Int\n}"}, false, StatusRefused)
	wantChanges := []Change{
		{Level: LevelBreaking, Code: "REMOVED", Coordinate: "b", Message: "removed field b"},
		{Level: LevelSafe, Code: "ADDED", Coordinate: "c", Message: "added field c"},
	}
	if !slices.Equal(res.Changes, wantChanges) || res.Supergraph != nil || res.SupergraphVersion != 1 || res.SubgraphVersion != 0 {
		t.Fatalf("refused result = %+v", res.Publication)
	}
	if res.Message != "refused: 1 breaking change (first: REMOVED b: removed field b); nothing changed; allow breaking changes to publish anyway" {
		t.Errorf("message = %q", res.Message)
	}
	if sg := supergraph(t, r); sg.Version != 1 {
		t.Fatalf("supergraph version = %d after a refusal; want 1", sg.Version)
	}
	if v, _ := r.Versions(context.Background(), "a"); len(v) != 1 {
		t.Fatalf("versions = %d after a refusal; want 1", len(v))
	}
	if h := history(t, r, "a"); h[0].Status != StatusRefused || !slices.Equal(h[0].Changes, wantChanges) {
		t.Fatalf("stored attempt = %+v; want refused with the changes", h[0])
	}
	res = publish(t, r, admin, Input{Name: "a", SDL: "type Query {\na: Int\nc: Int\n}"}, true, StatusPublished)
	if res.SubgraphVersion != 2 || res.SupergraphVersion != 2 || !slices.Equal(res.Changes, wantChanges) {
		t.Fatalf("allowed breaking publish = %+v", res.Publication)
	}
}

func testRemove(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	publish(t, r, admin, Input{Name: "b", RoutingURL: urlB, SDL: "type Query { b: Int }"}, false, StatusPublished)
	res, err := r.Remove(ctx, admin, "a", false)
	if err != nil || res.Status != StatusRefused {
		t.Fatalf("Remove without allowBreaking = %+v, %v; want refused (a's field disappears)", res, err)
	}
	if names := subgraphNames(t, r); !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("subgraphs after a refused remove = %v", names)
	}
	res, err = r.Remove(ctx, admin, "a", true)
	if err != nil || res.Status != StatusPublished || res.Action != ActionRemove || res.SubgraphVersion != 1 || res.SupergraphVersion != 3 {
		t.Fatalf("Remove = %+v, %v; want published, removing version 1, supergraph 3", res, err)
	}
	if res.Message != `removed subgraph "a" (was version 1); supergraph version 3 (1 change, 1 breaking)` {
		t.Errorf("message = %q", res.Message)
	}
	if !equalRefs(refs(supergraph(t, r)), []SubgraphRef{{"b", 1}}) || strings.Contains(supergraph(t, r).SDL, "a: Int") {
		t.Fatalf("supergraph after remove = %+v", supergraph(t, r))
	}
	_, err = r.Subgraph(ctx, "a")
	wantErr(t, "Subgraph(a) after remove", err, ErrNotFound, `"a"`)
	if v, err := r.Versions(ctx, "a"); err != nil || len(v) != 1 {
		t.Fatalf("Versions(a) after remove = %d, %v; want the stored version kept", len(v), err)
	}
	_, err = r.Remove(ctx, admin, "a", true)
	wantErr(t, "second Remove", err, ErrNotFound, `subgraph "a" is not in the current set`)
	// Publishing it again continues its numbering.
	res = publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	if res.SubgraphVersion != 2 {
		t.Fatalf("republish after remove = version %d; want 2", res.SubgraphVersion)
	}
}

func testRemoveLast(t *testing.T, open opener) {
	r := open(t)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	res, err := r.Remove(context.Background(), admin, "a", true)
	if err != nil || res.Status != StatusFailed || res.Problems[0].Code != "NO_QUERIES" {
		t.Fatalf("removing the last subgraph = %+v, %v; want failed with NO_QUERIES", res, err)
	}
	if names := subgraphNames(t, r); !slices.Equal(names, []string{"a"}) {
		t.Fatalf("subgraphs = %v; want [a]", names)
	}
}

func testRollback(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	v1 := Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}
	publish(t, r, admin, v1, false, StatusPublished)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlB, SDL: "type Query { a: Int b: Int }"}, false, StatusPublished)
	res, err := r.Rollback(ctx, admin, "a", 1, false)
	if err != nil || res.Status != StatusRefused {
		t.Fatalf("Rollback dropping a field = %+v, %v; want refused", res, err)
	}
	res, err = r.Rollback(ctx, admin, "a", 1, true)
	if err != nil || res.Status != StatusPublished || res.Action != ActionRollback || res.SubgraphVersion != 3 || res.SupergraphVersion != 3 {
		t.Fatalf("Rollback = %+v, %v; want published as version 3, supergraph 3", res, err)
	}
	if res.Message != `rolled subgraph "a" back to version 1, stored as version 3; supergraph version 3 (1 change, 1 breaking)` {
		t.Errorf("message = %q", res.Message)
	}
	s, _ := r.Subgraph(ctx, "a")
	if s.Version != 3 || s.SDL != v1.SDL || s.RoutingURL != v1.RoutingURL {
		t.Fatalf("current a = %+v; want version 3 with version 1's schema and URL", s)
	}
	if res, err := r.Rollback(ctx, admin, "a", 3, false); err != nil || res.Status != StatusUnchanged {
		t.Fatalf("Rollback to the current content = %+v, %v; want unchanged", res, err)
	}
	_, err = r.Rollback(ctx, admin, "a", 9, true)
	wantErr(t, "Rollback to a missing version", err, ErrNotFound, `subgraph "a" has no version 9`)
	_, err = r.Rollback(ctx, admin, "zz", 1, true)
	wantErr(t, "Rollback of an unknown subgraph", err, ErrNotFound, `"zz"`)
	_, err = r.Rollback(ctx, admin, "a", 0, true)
	wantErr(t, "Rollback to version 0", err, ErrInvalid, "versions start at 1")
	if v, _ := r.Versions(ctx, "a"); len(v) != 3 || v[0].Version != 3 || v[2].Version != 1 {
		t.Fatalf("versions = %+v; want 3, 2, 1", v)
	}
	// A removed subgraph can be rolled back in.
	publish(t, r, admin, Input{Name: "b", RoutingURL: urlB, SDL: "type Query { b: Int }"}, false, StatusPublished)
	if res, err := r.Remove(ctx, admin, "a", true); err != nil || res.Status != StatusPublished {
		t.Fatalf("Remove = %+v, %v", res, err)
	}
	if res, err := r.Rollback(ctx, admin, "a", 2, false); err != nil || res.Status != StatusPublished || res.SubgraphVersion != 4 {
		t.Fatalf("Rollback of a removed subgraph = %+v, %v; want published as version 4", res, err)
	}
	if names := subgraphNames(t, r); !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("subgraphs = %v; want [a b]", names)
	}
}

func testCheck(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	res, err := r.Check(ctx, admin, Input{Name: "a", SDL: "type Query {\na: Int\n}"})
	if err != nil || len(res.Problems) != 0 || res.Breaking || len(res.Changes) != 1 {
		t.Fatalf("Check of a new subgraph without URL = %+v, %v; want one safe change", res, err)
	}
	assertNothingStored(t, r)
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query {\na: Int\n}"}, false, StatusPublished)
	res, err = r.Check(ctx, admin, Input{Name: "a", SDL: "type Query {\nb: Int\n}"})
	if err != nil || !res.Breaking || len(res.Changes) != 2 || res.Changes[0].Level != LevelBreaking {
		t.Fatalf("Check of a breaking change = %+v, %v", res, err)
	}
	res, err = r.Check(ctx, admin, Input{Name: "a", SDL: "FAIL"})
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Subgraph != "a" || res.Changes != nil || res.Breaking {
		t.Fatalf("Check of a failing schema = %+v, %v; want the problem only", res, err)
	}
	if h := history(t, r, ""); len(h) != 1 {
		t.Fatalf("history after checks = %v; want only the publish", statuses(h))
	}
	if sg := supergraph(t, r); sg.Version != 1 {
		t.Fatalf("supergraph version after checks = %d; want 1", sg.Version)
	}
	_, err = r.Check(ctx, nil, Input{Name: "a", SDL: "x"})
	wantErr(t, "Check without principal", err, ErrUnauthenticated)
	team := &Principal{TokenID: "t", Team: "other", Subgraphs: []string{"zz"}}
	if _, err := r.Check(ctx, team, Input{Name: "a", SDL: "type Query {\na: Int\n}"}); err != nil {
		t.Fatalf("Check by any team: %v; want allowed", err)
	}
	_, err = r.Check(ctx, admin, Input{Name: "a", SDL: ""})
	wantErr(t, "Check of empty SDL", err, ErrInvalid)
}

func testInvalidInput(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	good := Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}
	for _, tc := range []struct {
		name    string
		edit    func(*Input)
		message string
	}{
		{"empty name", func(in *Input) { in.Name = "" }, "subgraph name"},
		{"underscore", func(in *Input) { in.Name = "_" }, "use a letter"},
		{"leading digit", func(in *Input) { in.Name = "1a" }, "use a letter"},
		{"space", func(in *Input) { in.Name = "a b" }, "use a letter"},
		{"65 characters", func(in *Input) { in.Name = "a" + strings.Repeat("b", 64) }, "use a letter"},
		{"relative URL", func(in *Input) { in.RoutingURL = "/graphql" }, "absolute http(s) URL"},
		{"ftp URL", func(in *Input) { in.RoutingURL = "ftp://a/graphql" }, "absolute http(s) URL"},
		{"no host", func(in *Input) { in.RoutingURL = "http:///graphql" }, "absolute http(s) URL"},
		{"credentials", func(in *Input) { in.RoutingURL = "http://u:p@a/graphql" }, "without credentials"},
		{"bad URL", func(in *Input) { in.RoutingURL = "http://a b/\x00" }, "absolute http(s) URL"},
		{"empty SDL", func(in *Input) { in.SDL = " \n\t" }, "schema (SDL) is empty"},
		{"1 MiB SDL", func(in *Input) { in.SDL = strings.Repeat("x", maxSDL) }, "the limit is 1048576"},
		{"NUL in SDL", func(in *Input) { in.SDL = "type Query { a: Int }\x00" }, "not UTF-8 text"},
		{"invalid UTF-8", func(in *Input) { in.SDL = "type Query { a: Int } \xff" }, "not UTF-8 text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			_, err := r.Publish(ctx, admin, in, true)
			wantErr(t, "Publish", err, ErrInvalid, tc.message)
			_, err = r.Check(ctx, admin, in)
			wantErr(t, "Check", err, ErrInvalid, tc.message)
		})
	}
	_, err := r.Remove(ctx, admin, "no such", true)
	wantErr(t, "Remove with a bad name", err, ErrInvalid)
	_, err = r.Subgraph(ctx, "")
	wantErr(t, "Subgraph with a bad name", err, ErrInvalid)
	assertNothingStored(t, r)
	// The largest accepted schema fits, and round-trips.
	big := good
	big.SDL = "type Query { a: Int }\n#" + strings.Repeat("x", maxSDL-24)
	publish(t, r, admin, big, false, StatusPublished)
	if s, err := r.Subgraph(ctx, "a"); err != nil || s.SDL != big.SDL {
		t.Fatalf("the 1 MiB - 1 byte schema did not round-trip: %v", err)
	}
}
