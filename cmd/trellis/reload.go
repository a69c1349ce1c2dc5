package main

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/trellis-gql/trellis/executor"
)

// reloader serves the current handler and replaces it when the configuration changes: on
// SIGHUP, and when the file's content changes. A configuration that does not validate is
// refused with a log line and the running one kept. Requests in flight finish on the handler
// they started on; the old one is released after a grace period.
type reloader struct {
	path  string
	log   *slog.Logger
	build func() (http.Handler, *executor.Gateway, error) // a handler for the configuration now on disk, and its gateway
	grace time.Duration

	current atomic.Pointer[http.Handler]
	mu      sync.Mutex // one reload at a time
	gw      *executor.Gateway
	sum     [32]byte
}

func newReloader(path string, log *slog.Logger, grace time.Duration, build func() (http.Handler, *executor.Gateway, error)) (*reloader, error) {
	r := &reloader{path: path, log: log, build: build, grace: grace}
	h, gw, err := build()
	if err != nil {
		return nil, err
	}
	r.current.Store(&h)
	r.gw = gw
	r.sum = r.fileSum()
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
	h, gw, err := r.build()
	if err != nil {
		r.log.Error("configuration not reloaded: keeping the running one", "reason", why, "error", err.Error())
		return false
	}
	r.current.Store(&h)
	old := r.gw
	r.gw = gw
	old.DetachTelemetry()              // its cache counters would add to the new gateway's
	time.AfterFunc(r.grace, old.Close) // requests in flight keep the old gateway until then
	r.log.Info("configuration reloaded", "reason", why, "file", r.path)
	return true
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
