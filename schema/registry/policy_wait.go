package registry

import (
	"context"
	"errors"
	"sync"
	"time"
)

// policyNote wakes the WaitPolicy calls of one registry when PublishPolicy stores a version
// in this process. Versions stored by other processes on the same store are found by each
// waiter reading the latest version every PollInterval (one indexed read; policies change
// rarely and few gateways wait on one registry, so no shared poller as for supergraphs).
type policyNote struct {
	mu      sync.Mutex
	changed chan struct{} // closed, and replaced, by wake
}

func (n *policyNote) current() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.changed
}

func (n *policyNote) wake() {
	n.mu.Lock()
	defer n.mu.Unlock()
	close(n.changed)
	n.changed = make(chan struct{})
}

// policyNotes holds the note of each open registry (*Registry -> *policyNote); an entry is
// removed when its registry closes. It lives here rather than in Registry so that the policy
// stays in its own files.
var policyNotes sync.Map

func policyNoteOf(r *Registry) *policyNote {
	if n, ok := policyNotes.Load(r); ok {
		return n.(*policyNote)
	}
	n, loaded := policyNotes.LoadOrStore(r, &policyNote{changed: make(chan struct{})})
	if !loaded {
		go func() {
			<-r.closed
			policyNotes.Delete(r)
		}()
	}
	return n.(*policyNote)
}

// WaitPolicy returns the latest policy once its Version > after, or when ctx ends (then the
// latest one read, possibly nil, and no error). In-process publishes wake it at once; those of
// other processes on the same store are seen within PollInterval. After Close it returns
// ErrClosed. A failed read of the store is returned as an error.
func (r *Registry) WaitPolicy(ctx context.Context, after int64) (*PolicyVersion, error) {
	note := policyNoteOf(r)
	tick := time.NewTimer(r.opts.PollInterval)
	defer tick.Stop()
	var cur *PolicyVersion
	for {
		changed := note.current() // taken before reading: a publish after the read still wakes us
		next, err := r.refreshPolicy(ctx, cur)
		switch {
		case ctx.Err() != nil:
			return cur, nil
		case errors.Is(err, ErrClosed):
			return cur, ErrClosed
		case err != nil:
			return cur, err
		}
		cur = next
		if cur != nil && cur.Version > after {
			return cur, nil
		}
		select {
		case <-ctx.Done():
			return cur, nil
		case <-r.closed:
			return cur, ErrClosed
		case <-changed:
		case <-tick.C:
			tick.Reset(r.opts.PollInterval)
		}
	}
}

// refreshPolicy returns the latest policy: cur when the store's latest version is still
// cur's, else the latest, read.
func (r *Registry) refreshPolicy(ctx context.Context, cur *PolicyVersion) (*PolicyVersion, error) {
	var out *PolicyVersion
	err := r.read(ctx, func(q *queries) error {
		v, err := q.latestPolicyVersion(ctx)
		if err != nil || v == policyVersionOf(cur) {
			out = cur
			return err
		}
		out, err = q.latestPolicy(ctx)
		return err
	})
	if err != nil {
		return cur, err
	}
	return out, nil
}
