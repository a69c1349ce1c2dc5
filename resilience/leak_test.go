package resilience

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"
)

// The client starts no goroutine: once its instances are gone and its idle connections
// closed, after retries, timeouts, fault delays and breakers, the goroutines are back to
// what they were: with net/http's transport and with the shared one (h1 for plain HTTP).
func TestNoGoroutineLeak(t *testing.T) {
	t.Run("net/http", func(t *testing.T) { noGoroutineLeak(t, NewTransport(nil)) })
	t.Run("shared", func(t *testing.T) { noGoroutineLeak(t, sharedTransport()) })
}

func noGoroutineLeak(t *testing.T, transport http.RoundTripper) {
	before := runtime.NumGoroutine()
	func() {
		ins := startInstances(t, 3, nil)
		ins[0].status.Store(503)
		ins[1].delay.Store(int64(300 * time.Millisecond))
		cfg := testConfig()
		cfg.Timeouts.PerTry = 100 * time.Millisecond
		cfg.Faults = map[string]FaultConfig{"s": {DelayPercent: 10, Delay: time.Millisecond, AbortPercent: 10, AbortStatus: 500}}
		c, err := New(cfg, newResolver("s", endpointsOf(ins)...), func(string) http.RoundTripper { return transport }, nil)
		if err != nil {
			t.Fatal(err)
		}
		drive(8, 500*time.Millisecond, func(w, i int) {
			ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
			defer cancel()
			send(ctx, c, Target{Service: "s", Idempotent: i%2 == 0}, "")
		})
		for _, in := range ins {
			in.stop()
		}
		c.Close()
	}()
	var now int
	if !eventually(5*time.Second, func() bool {
		now = runtime.NumGoroutine()
		return now <= before
	}) {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", before, now, buf[:runtime.Stack(buf, true)])
	}
}
