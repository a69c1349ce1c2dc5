package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// TestFollower: failures back off and are logged once until the registry answers again; a
// supergraph that does not apply is refused once and the next one applied; polls that bring
// nothing new apply nothing.
func TestFollower(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	down := errors.New("connection refused")
	steps := []struct {
		sg  *registry.Supergraph
		err error
	}{
		{nil, down}, {nil, down}, {nil, down},
		{&registry.Supergraph{Version: 1}, nil},
		{&registry.Supergraph{Version: 1}, nil}, // nothing new
		{nil, nil},                              // nothing at all
		{&registry.Supergraph{Version: 2, SDL: "bad"}, nil},
		{&registry.Supergraph{Version: 3}, nil},
		{nil, down},
		{&registry.Supergraph{Version: 4}, nil},
	}
	var afters []int64
	var applied []int64
	var sleeps []time.Duration
	var logs bytes.Buffer
	f := &follower{
		next: func(_ context.Context, after int64) (*registry.Supergraph, error) {
			afters = append(afters, after)
			if len(afters) > len(steps) {
				cancel()
				return nil, nil
			}
			s := steps[len(afters)-1]
			return s.sg, s.err
		},
		apply: func(sg *registry.Supergraph) error {
			if sg.SDL == "bad" {
				return errors.New("it does not load")
			}
			applied = append(applied, sg.Version)
			return nil
		},
		log:   slog.New(slog.NewTextHandler(&logs, nil)),
		where: "http://registry.test",
		sleep: func(_ context.Context, d time.Duration) { sleeps = append(sleeps, d) },
	}
	f.run(ctx)
	if got := []int64{1, 3, 4}; !equalInts(applied, got) {
		t.Errorf("applied %v, want %v", applied, got)
	}
	if want := []int64{0, 0, 0, 0, 1, 1, 1, 2, 3, 3, 4}; !equalInts(afters, want) {
		t.Errorf("polled after %v, want %v (a refused version is not asked for again)", afters, want)
	}
	// Backoff: each failure in a row waits about twice as long (jitter: between half and all).
	for i, max := range []time.Duration{minBackoff, 2 * minBackoff, 4 * minBackoff} {
		if sleeps[i] < max/2 || sleeps[i] > max {
			t.Errorf("backoff %d: %v, want between %v and %v", i, sleeps[i], max/2, max)
		}
	}
	if sleeps[3] != idlePause || sleeps[4] != idlePause {
		t.Errorf("polls with nothing new paused %v, want %v", sleeps[3:5], idlePause)
	}
	if sleeps[5] > minBackoff {
		t.Errorf("the backoff did not start over after the registry answered: %v", sleeps[5])
	}
	out := logs.String()
	for line, n := range map[string]int{"cannot read the registry": 2, "registry readable again": 2,
		"supergraph from the registry refused": 1, "supergraph from the registry loaded": 3} {
		if got := strings.Count(out, line); got != n {
			t.Errorf("%q logged %d times, want %d:\n%s", line, got, n, out)
		}
	}
	if !strings.Contains(out, "version=2 error=\"it does not load\"") {
		t.Errorf("the refusal does not say which version and why:\n%s", out)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReloaderSupergraph: before the first supergraph the waiting handler answers; a
// supergraph that does not build is refused and the running one kept.
func TestReloaderSupergraph(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	waiting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	build := func(sg *supergraph.Supergraph) (http.Handler, *executor.Gateway, error) {
		if sg.Graphs == nil {
			return nil, nil, errors.New("does not build")
		}
		name := sg.Graphs[0].Name
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(name)) }), nil, nil
	}
	r, err := newReloader("", log, time.Millisecond, nil, waiting, build)
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql", nil))
		return rec.Code, rec.Body.String()
	}
	if code, _ := get(); code != http.StatusServiceUnavailable || r.loaded() {
		t.Fatalf("before the first supergraph: %d, loaded %v", code, r.loaded())
	}
	if err := r.setSupergraph(&supergraph.Supergraph{}); err == nil || r.loaded() {
		t.Fatalf("a supergraph that does not build was taken: %v", err)
	}
	one := &supergraph.Supergraph{Graphs: []*supergraph.Graph{{Name: "one"}}}
	if err := r.setSupergraph(one); err != nil || !r.loaded() {
		t.Fatal(err)
	}
	if code, body := get(); code != 200 || body != "one" {
		t.Fatalf("after the first: %d %s", code, body)
	}
	if err := r.setSupergraph(&supergraph.Supergraph{}); err == nil {
		t.Fatal("a supergraph that does not build was taken")
	}
	if _, body := get(); body != "one" {
		t.Fatalf("the running supergraph was not kept: %s", body)
	}
	if !r.reload("test") {
		t.Fatal("a reload with a supergraph that builds failed")
	}
}
