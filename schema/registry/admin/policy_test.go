package admin_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/trellis-gql/trellis/schema/registry/admin/admintest"
)

const (
	corsPolicy    = "traffic:\n  cors:\n    origins: [https://app.example]\n"
	headersPolicy = "headers:\n  all:\n    request:\n      - set: {name: X-Env, value: prod}\n"
)

// TestPolicyPublish: the admin publishes, reads and lists policy versions; the same document
// again stores nothing.
func TestPolicyPublish(t *testing.T) {
	s := admintest.Start(t)
	c := admin.NewClient(s.URL, admintest.AdminToken, nil)
	if pv, err := c.Policy(ctx); err != nil || pv != nil {
		t.Fatalf("policy before the first: %+v, %v", pv, err)
	}
	pv, changed, msg, err := c.PublishPolicy(ctx, corsPolicy)
	if err != nil || !changed || pv.Version != 1 || pv.Document != corsPolicy || pv.CreatedBy != "admin" || len(pv.Hash) != 64 || pv.CreatedAt.IsZero() {
		t.Fatalf("publish: %+v changed %v, %v", pv, changed, err)
	}
	if want := "published policy version 1 (sha256 " + pv.Hash + ")"; msg != want {
		t.Fatalf("message %q, want %q", msg, want)
	}
	again, changed, msg, err := c.PublishPolicy(ctx, corsPolicy)
	if err != nil || changed || again.Version != 1 || !strings.HasPrefix(msg, "unchanged: policy version 1") {
		t.Fatalf("the same document again: %+v changed %v %q, %v", again, changed, msg, err)
	}
	if _, _, _, err := c.PublishPolicy(ctx, headersPolicy); err != nil {
		t.Fatal(err)
	}
	latest, err := c.Policy(ctx)
	if err != nil || latest == nil || latest.Version != 2 || latest.Document != headersPolicy {
		t.Fatalf("policy: %+v, %v", latest, err)
	}
	all, err := c.PolicyVersions(ctx, 10)
	if err != nil || len(all) != 2 || all[0].Version != 2 || all[1] != *pv {
		t.Fatalf("versions: %+v, %v; want 2 then %+v", all, err, pv)
	}
	if _, err := c.PolicyVersions(ctx, 0); !errors.Is(err, registry.ErrInvalid) || !strings.Contains(err.Error(), "between 1 and 1000") {
		t.Fatalf("limit 0: %v", err)
	}
}

// TestPolicyRefusals: a team token may read the policy but not publish one; a document the
// validator refuses is BAD_USER_INPUT naming its line. Neither stores anything.
func TestPolicyRefusals(t *testing.T) {
	s := admintest.Start(t)
	root := admin.NewClient(s.URL, admintest.AdminToken, nil)
	if _, _, _, err := root.PublishPolicy(ctx, corsPolicy); err != nil {
		t.Fatal(err)
	}
	_, secret, err := root.CreateToken(ctx, "catalog", []string{"products"})
	if err != nil {
		t.Fatal(err)
	}
	team := admin.NewClient(s.URL, secret, nil)
	_, _, _, err = team.PublishPolicy(ctx, headersPolicy)
	var aerr *admin.Error
	if !errors.As(err, &aerr) || aerr.Code != admin.CodeForbidden || !strings.Contains(err.Error(), "only the admin token may publish the traffic policy") {
		t.Fatalf("a team token publishing: %v, want FORBIDDEN", err)
	}
	if pv, err := team.Policy(ctx); err != nil || pv == nil || pv.Version != 1 {
		t.Fatalf("a team token reading: %+v, %v", pv, err)
	}
	_, _, _, err = root.PublishPolicy(ctx, "traffic: {}\nlisten: 0.0.0.0:80\n")
	if !errors.As(err, &aerr) || aerr.Code != admin.CodeBadUserInput || !strings.Contains(err.Error(), `policy:2:1: key "listen" is not a policy section`) {
		t.Fatalf("an invalid policy: %v, want BAD_USER_INPUT naming line 2", err)
	}
	all, err := root.PolicyVersions(ctx, 10)
	if err != nil || len(all) != 1 || all[0].Document != corsPolicy {
		t.Fatalf("the refusals stored something: %+v, %v", all, err)
	}
}

// TestPolicyLongPoll: policyAfter answers when a newer policy is published, with the current
// one when its time is up, and refuses negative arguments.
func TestPolicyLongPoll(t *testing.T) {
	s := admintest.Start(t)
	c := admin.NewClient(s.URL, admintest.AdminToken, nil)
	got := make(chan *registry.PolicyVersion, 1)
	go func() {
		pv, err := c.PolicyAfter(ctx, 0, admin.MaxPoll)
		if err != nil {
			t.Error(err)
		}
		got <- pv
	}()
	if _, _, _, err := c.PublishPolicy(ctx, corsPolicy); err != nil {
		t.Fatal(err)
	}
	select {
	case pv := <-got:
		if pv == nil || pv.Version != 1 || pv.Document != corsPolicy {
			t.Fatalf("the poll answered %+v, want version 1", pv)
		}
	case <-time.After(admin.MaxPoll / 2):
		t.Fatal("the poll did not answer the publish")
	}
	if pv, err := c.PolicyAfter(ctx, 1, 0); err != nil || pv == nil || pv.Version != 1 {
		t.Fatalf("a poll without waiting: %+v, %v; want the current version 1", pv, err)
	}
	for _, q := range []string{
		`{"query":"{ policyAfter(version: 0, timeoutSeconds: -1) { version } }"}`,
		`{"query":"{ policyAfter(version: -1) { version } }"}`,
	} {
		status, body := post(t, s.URL, "Bearer "+admintest.AdminToken, q)
		if status != http.StatusOK || !strings.Contains(body, "BAD_USER_INPUT") || !strings.Contains(body, "is negative") {
			t.Fatalf("%s: %d %s", q, status, body)
		}
	}
}
