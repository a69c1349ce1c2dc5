package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/internal/pgtest"
)

func TestSQLitePolicy(t *testing.T) {
	testPolicy(t, func(t *testing.T) *Registry { return withPolicyValidator(t, openSQLiteRegistry(t)) })
}

func TestPostgresPolicy(t *testing.T) {
	testPolicy(t, func(t *testing.T) *Registry { return openAt(t, pgtest.DSN(t), policyOptions()) })
}

// testPolicy is the central policy's behaviour suite every store must pass.
func testPolicy(t *testing.T, open opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, opener)
	}{
		{"PublishStoresVersions", testPolicyPublish},
		{"OnlyTheAdminPublishes", testPolicyAdminOnly},
		{"InvalidPolicyStoresNothing", testPolicyInvalid},
		{"ValidatorMissingOrPanicking", testPolicyValidatorFailures},
		{"ConcurrentPublishesGetDistinctVersions", testPolicyConcurrent},
		{"RetentionKeepsTheNewest", testPolicyRetention},
		{"SurvivesCloseAndOpen", testPolicyReopen},
		{"MigratesAStoreOfVersion1", testPolicyMigration},
		{"WaitWakesOnInProcessPublish", testWaitPolicyInProcess},
		{"WaitSeesOtherProcess", testWaitPolicyOtherProcess},
		{"WaitReturnsOnContextAndClose", testWaitPolicyReturns},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open)
		})
	}
}

// fakeValidatePolicy refuses a document with a line starting "bad:", naming that line, as
// the gateway's validator names lines of the document.
func fakeValidatePolicy(doc string) error {
	for i, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "bad:") {
			return fmt.Errorf("policy:%d:1: unknown key %q", i+1, "bad")
		}
	}
	return nil
}

func policyOptions() Options {
	o := testOptions()
	o.ValidatePolicy = fakeValidatePolicy
	return o
}

func withPolicyValidator(t *testing.T, r *Registry) *Registry {
	return reopen(t, r, func(o *Options) { o.ValidatePolicy = fakeValidatePolicy })
}

func publishPolicy(t *testing.T, r *Registry, doc string, wantVersion int64, wantChanged bool) *PolicyVersion {
	t.Helper()
	pv, changed, err := r.PublishPolicy(context.Background(), admin, doc)
	if err != nil {
		t.Fatalf("PublishPolicy(%q): %v", doc, err)
	}
	if pv.Version != wantVersion || changed != wantChanged {
		t.Fatalf("PublishPolicy(%q) = version %d, changed %v; want version %d, changed %v", doc, pv.Version, changed, wantVersion, wantChanged)
	}
	return pv
}

func latestPolicy(t *testing.T, r *Registry) *PolicyVersion {
	t.Helper()
	pv, err := r.Policy(context.Background())
	if err != nil {
		t.Fatalf("Policy: %v", err)
	}
	return pv
}

func policyVersionNumbers(t *testing.T, r *Registry, limit int) []int64 {
	t.Helper()
	all, err := r.PolicyVersions(context.Background(), limit)
	if err != nil {
		t.Fatalf("PolicyVersions: %v", err)
	}
	var out []int64
	for _, pv := range all {
		out = append(out, pv.Version)
	}
	return out
}

const (
	policy1 = "traffic:\n  cors:\n    origins: [https://a.example]\n"
	policy2 = "headers:\n  all:\n    request:\n      - set: {name: X-Env, value: prod}\n"
)

func testPolicyPublish(t *testing.T, open opener) {
	r := open(t)
	if pv := latestPolicy(t, r); pv != nil {
		t.Fatalf("Policy before the first = %+v; want nil", pv)
	}
	before := time.Now().Add(-time.Second)
	pv := publishPolicy(t, r, policy1, 1, true)
	if pv.Document != policy1 || pv.Hash != sha256Hex(policy1) || pv.CreatedBy != adminTeam || pv.CreatedAt.Before(before) {
		t.Fatalf("published = %+v; want version 1 of policy1 by admin, now", pv)
	}
	if got := latestPolicy(t, r); got == nil || *got != *pv {
		t.Fatalf("Policy = %+v; want %+v", got, pv)
	}
	publishPolicy(t, r, policy1, 1, false) // the same document: nothing new
	publishPolicy(t, r, policy2, 2, true)
	publishPolicy(t, r, policy1, 3, true) // back to the first: a new version, not version 1
	if got := policyVersionNumbers(t, r, 0); !slices.Equal(got, []int64{3, 2, 1}) {
		t.Fatalf("PolicyVersions = %v; want [3 2 1]", got)
	}
	if got := policyVersionNumbers(t, r, 1); !slices.Equal(got, []int64{3}) {
		t.Fatalf("PolicyVersions(limit 1) = %v; want [3]", got)
	}
	if got := latestPolicy(t, r); got.Version != 3 || got.Document != policy1 {
		t.Fatalf("Policy = %+v; want version 3 with policy1", got)
	}
	// The policy is apart from supergraphs: none was made.
	if sg := supergraph(t, r); sg != nil {
		t.Fatalf("a policy publish made supergraph %d", sg.Version)
	}
}

func testPolicyAdminOnly(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	team := &Principal{TokenID: "tok_1", Team: "catalog", Subgraphs: []string{"a"}}
	_, _, err := r.PublishPolicy(ctx, team, policy1)
	wantErr(t, "PublishPolicy by a team", err, ErrForbidden, `team "catalog"`, "only the admin token may publish the traffic policy")
	_, _, err = r.PublishPolicy(ctx, nil, policy1)
	wantErr(t, "PublishPolicy without a principal", err, ErrUnauthenticated, "Authorization: Bearer")
	if pv := latestPolicy(t, r); pv != nil {
		t.Fatalf("a refused publish stored version %d", pv.Version)
	}
}

func testPolicyInvalid(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publishPolicy(t, r, policy1, 1, true)
	for _, tc := range []struct {
		name, doc string
		contains  []string
	}{
		{"the validator refuses it", "traffic: {}\nbad: 1\n", []string{"the policy is refused, nothing was stored", `policy:2:1: unknown key "bad"`}},
		{"empty", " \n\t", []string{"empty", "publish {} to clear"}},
		{"too large", "traffic: {}\n#" + strings.Repeat("x", maxPolicy), []string{"the limit is 262144"}},
		{"not UTF-8", "traffic: {}\n# \xff\n", []string{"not UTF-8"}},
		{"NUL", "traffic: {}\x00", []string{"not UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := r.PublishPolicy(ctx, admin, tc.doc)
			wantErr(t, "PublishPolicy", err, ErrInvalid, tc.contains...)
		})
	}
	if got := policyVersionNumbers(t, r, 0); !slices.Equal(got, []int64{1}) {
		t.Fatalf("after refusals PolicyVersions = %v; want [1]", got)
	}
	if got := latestPolicy(t, r); got.Document != policy1 {
		t.Fatalf("after refusals Policy = %q; want policy1", got.Document)
	}
}

func testPolicyValidatorFailures(t *testing.T, open opener) {
	base := open(t)
	ctx := context.Background()
	none := reopen(t, base, func(o *Options) { o.ValidatePolicy = nil })
	_, _, err := none.PublishPolicy(ctx, admin, policy1)
	if err == nil || errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "Options.ValidatePolicy") {
		t.Fatalf("PublishPolicy without a validator err = %v; want one naming Options.ValidatePolicy (not the caller's fault)", err)
	}
	panics := reopen(t, base, func(o *Options) { o.ValidatePolicy = func(string) error { panic("boom") } })
	_, _, err = panics.PublishPolicy(ctx, admin, policy1)
	if err == nil || !strings.Contains(err.Error(), "the validator panicked: boom") {
		t.Fatalf("PublishPolicy with a panicking validator err = %v", err)
	}
	if pv := latestPolicy(t, base); pv != nil {
		t.Fatalf("a failed publish stored version %d", pv.Version)
	}
}

func testPolicyConcurrent(t *testing.T, open opener) {
	r := open(t)
	other := reopen(t, r, nil) // another process on the same store
	const n = 8
	var wg sync.WaitGroup
	versions := make([]int64, n)
	for i := range n {
		wg.Go(func() {
			reg := r
			if i%2 == 1 {
				reg = other
			}
			pv, changed, err := reg.PublishPolicy(context.Background(), admin, fmt.Sprintf("traffic: {max_concurrent: %d}\n", i+1))
			if err != nil || !changed {
				t.Errorf("publish %d: changed %v, %v", i, changed, err)
				return
			}
			versions[i] = pv.Version
		})
	}
	wg.Wait()
	slices.Sort(versions)
	if want := []int64{1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(versions, want) {
		t.Fatalf("versions = %v; want %v, each once", versions, want)
	}
}

func testPolicyRetention(t *testing.T, open opener) {
	r := open(t)
	for i := range keepPolicies + 2 {
		publishPolicy(t, r, fmt.Sprintf("traffic: {max_concurrent: %d}\n", i+1), int64(i+1), true)
	}
	got := policyVersionNumbers(t, r, maxHistory)
	if len(got) != keepPolicies || got[0] != keepPolicies+2 || got[len(got)-1] != 3 {
		t.Fatalf("kept %d versions, %d to %d; want %d, %d to 3", len(got), got[0], got[len(got)-1], keepPolicies, keepPolicies+2)
	}
}

func testPolicyReopen(t *testing.T, open opener) {
	r := open(t)
	pv := publishPolicy(t, r, policy2, 1, true)
	r.Close()
	again := reopen(t, r, nil)
	if got := latestPolicy(t, again); got == nil || *got != *pv {
		t.Fatalf("after reopening Policy = %+v; want %+v", got, pv)
	}
	publishPolicy(t, again, policy2, 1, false)
}

// testPolicyMigration: a store migrated before the policy step gets the table on the next
// Open, keeping what it holds.
func testPolicyMigration(t *testing.T, open opener) {
	r := open(t)
	ctx := context.Background()
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	err := r.store.update(ctx, func(q *queries) error {
		if _, err := q.exec(ctx, "drop", `DROP TABLE policies`); err != nil {
			return err
		}
		_, err := q.exec(ctx, "forget", `DELETE FROM schema_version WHERE version = 2`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Policy(ctx); err == nil {
		t.Fatal("Policy on a store without the table worked: the test does not test the migration")
	}
	again := reopen(t, r, nil)
	publishPolicy(t, again, policy1, 1, true)
	if sg := supergraph(t, again); sg == nil || sg.Version != 1 {
		t.Fatalf("the migration lost the supergraph: %+v", sg)
	}
}

func testWaitPolicyInProcess(t *testing.T, open opener) {
	// An hour between polls: only the in-process notification can wake the waiter.
	r := reopen(t, open(t), func(o *Options) { o.PollInterval = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	got := make(chan *PolicyVersion, 1)
	go func() {
		pv, err := r.WaitPolicy(ctx, 0)
		if err != nil {
			t.Errorf("WaitPolicy: %v", err)
		}
		got <- pv
	}()
	pv := publishPolicy(t, r, policy1, 1, true)
	if w := <-got; w == nil || *w != *pv {
		t.Fatalf("WaitPolicy returned %+v; want %+v", w, pv)
	}
	if w, err := r.WaitPolicy(ctx, 0); err != nil || w.Version != 1 {
		t.Fatalf("WaitPolicy(0) with version 1 stored = %+v, %v; want it at once", w, err)
	}
}

func testWaitPolicyOtherProcess(t *testing.T, open opener) {
	writer := open(t)
	reader := reopen(t, writer, func(o *Options) { o.PollInterval = 5 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	for want, doc := range []string{policy1, policy2} {
		got := make(chan *PolicyVersion, 1)
		go func() {
			pv, err := reader.WaitPolicy(ctx, int64(want))
			if err != nil {
				t.Errorf("WaitPolicy: %v", err)
			}
			got <- pv
		}()
		pv := publishPolicy(t, writer, doc, int64(want+1), true)
		if w := <-got; w == nil || *w != *pv {
			t.Fatalf("WaitPolicy in the other registry returned %+v; want %+v", w, pv)
		}
	}
}

func testWaitPolicyReturns(t *testing.T, open opener) {
	r := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if pv, err := r.WaitPolicy(ctx, 0); pv != nil || err != nil {
		t.Fatalf("WaitPolicy with a done context and no policy = %+v, %v; want nil, nil", pv, err)
	}
	publishPolicy(t, r, policy1, 1, true)
	short, cancelShort := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelShort()
	if pv, err := r.WaitPolicy(short, 1); err != nil || pv == nil || pv.Version != 1 {
		t.Fatalf("WaitPolicy(after 1) until its context ends = %+v, %v; want the current version 1 and no error", pv, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := r.WaitPolicy(context.Background(), 1)
		done <- err
	}()
	r.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("WaitPolicy across Close err = %v; want ErrClosed", err)
	}
	if _, ok := policyNotes.Load(r); ok {
		// The entry goes with the registry (asynchronously): wait for it, bounded.
		for deadline := time.Now().Add(waitBound); ; time.Sleep(time.Millisecond) {
			if _, ok := policyNotes.Load(r); !ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the closed registry's policy note was not removed")
			}
		}
	}
}
