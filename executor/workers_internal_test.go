package executor

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWorkersRunTasksConcurrently: tasks that wait for each other all run at once (a pool
// that ran them one after the other would never finish), kept goroutines are used again,
// and past maxIdleWorkers the goroutines exit.
func TestWorkersRunTasksConcurrently(t *testing.T) {
	var w workers
	before := runtime.NumGoroutine()
	const n = maxIdleWorkers + 44
	for round := range 2 {
		var started, done sync.WaitGroup
		release := make(chan struct{})
		started.Add(n)
		done.Add(n)
		go func() { // a do that ran its task itself would block here, not the test
			for range n {
				w.do(func() {
					defer done.Done()
					started.Done()
					<-release
				})
			}
		}()
		waited := make(chan struct{})
		go func() { started.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: the tasks did not all start", round)
		}
		close(release)
		done.Wait()
		if !eventually(func() bool { return runtime.NumGoroutine() <= before+maxIdleWorkers }) {
			t.Fatalf("round %d: %d goroutines, want at most %d kept", round, runtime.NumGoroutine(), before+maxIdleWorkers)
		}
		w.mu.Lock()
		idle := len(w.idle)
		w.mu.Unlock()
		if idle != maxIdleWorkers {
			t.Fatalf("round %d: %d idle workers, want %d", round, idle, maxIdleWorkers)
		}
	}
}

// TestWorkersReuse: a task given after another finished runs on the same goroutine.
func TestWorkersReuse(t *testing.T) {
	var w workers
	ids := make(chan string, 2)
	for range 2 {
		done := make(chan struct{})
		w.do(func() {
			buf := make([]byte, 64)
			id, _, _ := strings.Cut(string(buf[:runtime.Stack(buf, false)]), " [") // "goroutine N"
			ids <- id
			close(done)
		})
		<-done
		eventually(func() bool { w.mu.Lock(); defer w.mu.Unlock(); return len(w.idle) == 1 })
	}
	if a, b := <-ids, <-ids; a != b {
		t.Errorf("the second task ran on another goroutine (%s, %s)", a, b)
	}
}

func eventually(ok func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return ok()
}
