package executor

import "sync"

// workers runs the children of Parallel nodes on goroutines kept from one execution to the
// next. A new goroutine starts with a small stack and copies it to a larger one each time a
// fetch goes deeper (the client, decoding, representations): under load that cost ~3% of
// the gateway's CPU with its creation and exit. A kept goroutine has grown its stack
// already (the collector shrinks the stacks of those idle for long).
type workers struct {
	mu   sync.Mutex
	idle []chan func() // LIFO: the last to finish has the warmest stack
}

// maxIdleWorkers bounds the goroutines kept waiting for work; those past it exit.
const maxIdleWorkers = 256

// parallel is the workers of every gateway of the process: a gateway replaced by a new
// configuration leaves none behind.
var parallel workers

// do runs task on a kept goroutine, or a new one.
func (w *workers) do(task func()) {
	w.mu.Lock()
	if n := len(w.idle); n > 0 {
		ch := w.idle[n-1]
		w.idle[n-1] = nil
		w.idle = w.idle[:n-1]
		w.mu.Unlock()
		ch <- task // buffered: never blocks
		return
	}
	w.mu.Unlock()
	go w.work(make(chan func(), 1), task)
}

// work runs tasks until it is not wanted back.
func (w *workers) work(ch chan func(), task func()) {
	for {
		task()
		task = nil // nothing of the execution stays reachable from an idle worker
		if !w.park(ch) {
			return
		}
		task = <-ch
	}
}

// park offers ch for the next task; false when enough workers are idle already.
func (w *workers) park(ch chan func()) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.idle) >= maxIdleWorkers {
		return false
	}
	w.idle = append(w.idle, ch)
	return true
}
