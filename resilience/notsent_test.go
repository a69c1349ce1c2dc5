package resilience

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestMutationToACrashedInstance: a request that is not idempotent is sent once more, to
// another instance, only when its first try provably sent nothing (connection refused); it
// never reaches an instance twice.
func TestMutationToACrashedInstance(t *testing.T) {
	rc := newReceipts()
	ins := startInstances(t, 3, rc)
	ins[1].delay.Store(int64(20 * time.Millisecond))
	ins[2].delay.Store(int64(20 * time.Millisecond)) // i0 is the fastest: the balancer picks it
	c, _ := newClient(t, testConfig(), newResolver("products", endpointsOf(ins)...))
	for i := range 12 { // every instance measured
		send(context.Background(), c, Target{Service: "products", Idempotent: true}, fmt.Sprintf("warm-%d", i))
	}
	ins[0].stop() // crashed: its port refuses connections
	// Kept-alive connections to it are gone too: a request written on one fails with EOF,
	// which cannot tell whether the instance read it, so it is not sent again. A new
	// connection is refused, which proves nothing was sent: that case is retried.
	c.CloseIdleConnections()
	body := []byte(`{"query":"mutation { x }"}`)
	failed := 0
	for i := range 30 {
		id := fmt.Sprintf("m-%d", i)
		req, _ := http.NewRequestWithContext(WithTarget(context.Background(), Target{Service: "products", Body: body}),
			http.MethodPost, staticURL, bytes.NewReader(body))
		req.GetBody = nil // as the executor sends mutations
		req.Header.Set("X-Test-Id", id)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		resp, err := c.Do(req.WithContext(WithTarget(ctx, Target{Service: "products", Body: body})))
		cancel()
		if err != nil || resp.StatusCode != 200 {
			failed++
			t.Logf("%s: %v", id, err)
		}
		if resp != nil {
			resp.Body.Close()
		}
		if n := rc.count(id); n > 1 {
			t.Fatalf("%s reached an instance %d times", id, n)
		}
	}
	if rc.count("m-0") != 1 {
		t.Fatalf("m-0 received %d times", rc.count("m-0"))
	}
	if failed != 0 {
		t.Fatalf("%d of 30 mutations failed although the crashed instance received nothing", failed)
	}
}
