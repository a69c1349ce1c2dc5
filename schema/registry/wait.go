package registry

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// pollTimeout bounds one poll of the store; rereadTimeout the read Wait makes before it
// answers at the end of its context.
const (
	pollTimeout   = 10 * time.Second
	rereadTimeout = 5 * time.Second
)

// watcher holds the latest supergraph this process knows and wakes Wait calls when it changes.
// In-process changes arrive through publish at once. Changes by other processes on the same
// store are found by one poller goroutine, which runs only while some Wait is waiting: it reads
// the latest version every interval and exits when no one waits or the registry closes.
type watcher struct {
	version  func(ctx context.Context) (int64, error)
	load     func(ctx context.Context) (*Supergraph, error)
	interval time.Duration
	log      *slog.Logger
	closed   <-chan struct{}

	mu      sync.Mutex
	latest  *Supergraph
	changed chan struct{} // closed, and replaced, when latest changes
	waiters int
	polling bool
}

func newWatcher(version func(context.Context) (int64, error), load func(context.Context) (*Supergraph, error),
	interval time.Duration, log *slog.Logger, closed <-chan struct{}) *watcher {
	return &watcher{version: version, load: load, interval: interval, log: log, closed: closed, changed: make(chan struct{})}
}

// current returns the latest supergraph known and a channel closed when it changes.
func (w *watcher) current() (*Supergraph, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.latest, w.changed
}

// publish makes sg the latest when it is newer, waking waiters.
func (w *watcher) publish(sg *Supergraph) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.latest != nil && sg.Version <= w.latest.Version {
		return
	}
	w.latest = sg
	close(w.changed)
	w.changed = make(chan struct{})
}

// refresh reads the store's latest version and, when it is newer than the one known, loads
// and publishes that supergraph.
func (w *watcher) refresh(ctx context.Context) error {
	v, err := w.version(ctx)
	if err != nil {
		return err
	}
	known, _ := w.current()
	if v <= versionOf(known) {
		return nil
	}
	sg, err := w.load(ctx)
	if err != nil || sg == nil {
		return err
	}
	w.publish(sg)
	return nil
}

// join counts a waiter and starts the poller when it is not running (then started is true:
// what the process knows may be older than one interval); leave uncounts it.
func (w *watcher) join() (started bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waiters++
	if !w.polling {
		w.polling = true
		go w.poll()
		return true
	}
	return false
}

func (w *watcher) leave() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waiters--
}

// poll refreshes every interval while someone waits.
func (w *watcher) poll() {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-w.closed:
			w.stopPolling()
			return
		}
		w.mu.Lock()
		if w.waiters == 0 {
			w.polling = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), pollTimeout)
		err := w.refresh(ctx)
		cancel()
		select {
		case <-w.closed:
		default:
			if err != nil {
				w.log.Warn("registry: polling the store for new supergraph versions failed; trying again", "err", err, "interval", w.interval)
			}
		}
	}
}

func (w *watcher) stopPolling() {
	w.mu.Lock()
	w.polling = false
	w.mu.Unlock()
}

// Wait returns the latest supergraph once its Version > after, or when ctx ends (then the
// store's latest, possibly nil, and no error). Publishes by other processes on the same store
// are seen within PollInterval; in-process publishes wake waiters at once. It reads the store
// itself when no poller was running (the copy this process has may be old), and when ctx ends
// or has ended already (a zero timeout), so that a process that did not make the publish does
// not answer with an old version; that read has a timeout of its own and, when it fails, the
// copy this process has is returned and the failure logged. After Close it returns the current one and ErrClosed. It starts no goroutine of its
// own; the shared poller stops within one PollInterval after the last waiter returns.
func (r *Registry) Wait(ctx context.Context, after int64) (*Supergraph, error) {
	started := r.w.join()
	defer r.w.leave()
	reread := true // at the end of ctx
	if started || ctx.Err() != nil {
		r.reread(ctx)
		reread = ctx.Err() == nil // ended already: this read is the last one
	}
	for {
		sg, changed := r.w.current()
		if sg != nil && sg.Version > after {
			return sg, nil
		}
		select {
		case <-ctx.Done():
			if reread {
				r.reread(ctx)
				sg, _ = r.w.current()
			}
			return sg, nil
		case <-r.closed:
			return sg, ErrClosed
		case <-changed:
		}
	}
}

// reread refreshes the watcher from the store, even when ctx has ended.
func (r *Registry) reread(ctx context.Context) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rereadTimeout)
	defer cancel()
	if err := r.w.refresh(rctx); err != nil && !errors.Is(err, ErrClosed) {
		r.log.Warn("registry: reading the latest supergraph version failed; answering with the one this process has", "err", err)
	}
}
