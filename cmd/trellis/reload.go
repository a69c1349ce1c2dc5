package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// buildFunc makes a handler and its gateway for sg with the configuration now on disk.
type buildFunc func(sg *supergraph.Supergraph) (http.Handler, *executor.Gateway, error)

// reloader serves the current handler and replaces it when the configuration changes (on
// SIGHUP, and when the file's content changes) or when a new supergraph arrives (from the
// registry). Each change builds a whole new gateway and swaps it in atomically: a
// configuration or a supergraph that does not build is refused with a log line and the
// running one kept. Requests in flight finish on the handler they started on; the old gateway
// is closed after a grace period.
//
// Before the first supergraph (a registry that has none yet) it serves waiting instead.
type reloader struct {
	path  string
	log   *slog.Logger
	build buildFunc
	grace time.Duration

	current atomic.Pointer[http.Handler]
	mu      sync.Mutex // one change at a time
	gw      *executor.Gateway
	sg      *supergraph.Supergraph
	sum     [32]byte
	swaps   atomic.Int64 // gateways swapped in after the first, for tests and logs
}

// newReloader builds the first handler for sg. With sg nil (nothing published yet) it serves
// waiting until setSupergraph; the configuration is then checked by the caller.
func newReloader(path string, log *slog.Logger, grace time.Duration, sg *supergraph.Supergraph, waiting http.Handler, build buildFunc) (*reloader, error) {
	r := &reloader{path: path, log: log, build: build, grace: grace}
	r.sum = r.fileSum()
	if sg == nil {
		r.current.Store(&waiting)
		return r, nil
	}
	h, gw, err := build(sg)
	if err != nil {
		return nil, err
	}
	r.current.Store(&h)
	r.gw, r.sg = gw, sg
	return r, nil
}

func (r *reloader) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	(*r.current.Load()).ServeHTTP(w, req)
}

// reload builds a handler from the configuration on disk and swaps it in.
func (r *reloader) reload(why string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum = r.fileSum()
	if r.sg == nil {
		return true // nothing served yet: the next supergraph is built with the file as it is then
	}
	h, gw, err := r.build(r.sg)
	if err != nil {
		r.log.Error("configuration not reloaded: keeping the running one", "reason", why, "error", err.Error())
		return false
	}
	r.swap(h, gw)
	r.log.Info("configuration reloaded", "reason", why, "file", r.path)
	return true
}

// rebuildWith makes a change that the build reads (a new central policy: change applies it
// and returns how to undo it), builds a gateway and swaps it in. When the gateway does not
// build the change is undone and nothing else changes: the running gateway keeps serving.
// Before the first supergraph the change is kept unbuilt (the caller checked it): the first
// supergraph is built with it.
func (r *reloader) rebuildWith(why string, change func() (undo func())) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	undo := change()
	if r.sg == nil {
		return nil
	}
	h, gw, err := r.build(r.sg)
	if err != nil {
		undo()
		return err
	}
	r.swap(h, gw)
	r.log.Info("configuration reloaded", "reason", why, "file", r.path)
	return nil
}

// setSupergraph builds a gateway for sg with the current configuration and swaps it in. On
// error nothing changes: the running supergraph keeps serving.
func (r *reloader) setSupergraph(sg *supergraph.Supergraph) error {
	if sg == nil {
		return errors.New("no supergraph")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	h, gw, err := r.build(sg)
	if err != nil {
		return err
	}
	r.swap(h, gw)
	r.sg = sg
	return nil
}

// swap serves h from now on; the replaced gateway is closed once its requests are done.
func (r *reloader) swap(h http.Handler, gw *executor.Gateway) {
	r.current.Store(&h)
	old := r.gw
	r.gw = gw
	if old == nil {
		return
	}
	r.swaps.Add(1)
	old.DetachTelemetry()              // its cache counters would add to the new gateway's
	time.AfterFunc(r.grace, old.Close) // requests in flight keep the old gateway until then
}

// loaded reports whether a supergraph is being served.
func (r *reloader) loaded() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sg != nil
}

// watch reloads on SIGHUP and when the file's content changes (polled every interval),
// until ctx ends. Without a file there is nothing to reload: SIGHUP keeps its default.
func (r *reloader) watch(ctx context.Context, interval time.Duration) {
	if r.path == "" {
		return
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			r.reload("SIGHUP")
		case <-tick.C:
			r.mu.Lock()
			changed := r.fileSum() != r.sum
			r.mu.Unlock()
			if changed {
				r.reload("file changed")
			}
		}
	}
}

// close releases the current handler.
func (r *reloader) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gw != nil {
		r.gw.Close()
	}
}

func (r *reloader) fileSum() [32]byte {
	if r.path == "" {
		return [32]byte{}
	}
	raw, err := os.ReadFile(r.path)
	if err != nil {
		return [32]byte{1} // unreadable: a change worth trying (and refusing) once
	}
	return sha256.Sum256(raw)
}
