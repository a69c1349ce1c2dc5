package registry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// A safety net only: these tests finish as soon as the awaited event happens.
const waitBound = 30 * time.Second

func testWaitInProcess(t *testing.T, open opener) {
	// An hour between polls: only the in-process notification can wake the waiter.
	r := reopen(t, open(t), func(o *Options) { o.PollInterval = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	got := make(chan *Supergraph, 1)
	go func() {
		sg, err := r.Wait(ctx, 0)
		if err != nil {
			t.Errorf("Wait: %v", err)
		}
		got <- sg
	}()
	res := publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	sg := <-got
	if sg == nil || sg.Version != 1 || sg.Hash != res.Supergraph.Hash {
		t.Fatalf("Wait returned %+v; want version 1", sg)
	}
	// Already newer: returns at once.
	if sg, err := r.Wait(ctx, 0); err != nil || sg.Version != 1 {
		t.Fatalf("Wait(0) with version 1 stored = %+v, %v", sg, err)
	}
}

func testWaitOtherProcess(t *testing.T, open opener) {
	writer := open(t)
	reader := reopen(t, writer, func(o *Options) { o.PollInterval = 5 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	for want := int64(1); want <= 2; want++ {
		got := make(chan *Supergraph, 1)
		go func() {
			sg, err := reader.Wait(ctx, want-1)
			if err != nil {
				t.Errorf("Wait: %v", err)
			}
			got <- sg
		}()
		res := publish(t, writer, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }\n#" + string(rune('a'+want))}, false, StatusPublished)
		sg := <-got
		if sg == nil || sg.Version != want || sg.Hash != res.Supergraph.Hash || !equalRefs(sg.Subgraphs, res.Supergraph.Subgraphs) {
			t.Fatalf("Wait in the other registry returned %+v; want version %d", sg, want)
		}
	}
	// No one waits any more: the poller goroutine stops (within one interval).
	for deadline := time.Now().Add(waitBound); ; time.Sleep(time.Millisecond) {
		reader.w.mu.Lock()
		polling, waiters := reader.w.polling, reader.w.waiters
		reader.w.mu.Unlock()
		if !polling && waiters == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the poller still runs with %d waiters", waiters)
		}
	}
}

func testWaitReturns(t *testing.T, open opener) {
	r := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if sg, err := r.Wait(ctx, 0); sg != nil || err != nil {
		t.Fatalf("Wait with a done context and no supergraph = %+v, %v; want nil, nil", sg, err)
	}
	publish(t, r, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	if sg, err := r.Wait(ctx, 1); err != nil || sg == nil || sg.Version != 1 {
		t.Fatalf("Wait(after 1) with a done context = %+v, %v; want the current version 1 and no error", sg, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := r.Wait(context.Background(), 1)
		done <- err
	}()
	r.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Wait across Close err = %v; want ErrClosed", err)
	}
}

// testWaitRereadsStore: a registry that did not make the publish answers Wait with the store's
// latest, not the copy it loaded earlier: at once when no poller ran, and when the context ends
// (a zero timeout) before a poll.
func testWaitRereadsStore(t *testing.T, open opener) {
	writer := open(t)
	publish(t, writer, admin, Input{Name: "a", RoutingURL: urlA, SDL: "type Query { a: Int }"}, false, StatusPublished)
	// An hour between polls: only a read made by Wait itself can see the writer's publishes.
	reader := reopen(t, writer, func(o *Options) { o.PollInterval = time.Hour })
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	for want := int64(2); want <= 3; want++ {
		publish(t, writer, admin, Input{Name: "a", SDL: fmt.Sprintf("type Query { a: Int v%d: Int }", want)}, true, StatusPublished)
		for _, after := range []int64{0, want, 99} {
			if sg, err := reader.Wait(expired, after); err != nil || sg == nil || sg.Version != want {
				t.Fatalf("Wait(expired, %d) = %+v, %v; want the store's latest, version %d", after, sg, err, want)
			}
		}
	}
	// Nothing newer than after: it waits; the end of its context re-reads.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *Supergraph, 1)
	go func() {
		sg, _ := reader.Wait(ctx, 4)
		done <- sg
	}()
	publish(t, writer, admin, Input{Name: "a", SDL: "type Query { a: Int v4: Int }"}, true, StatusPublished)
	cancel()
	if sg := <-done; sg == nil || sg.Version != 4 {
		t.Fatalf("Wait(after 4) at its context's end = %+v; want version 4", sg)
	}
}
