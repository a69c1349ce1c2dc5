package discovery

import (
	"bytes"
	"context"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuf collects a test's log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) lines(substr string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for line := range strings.Lines(l.b.String()) {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

func (l *logBuf) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// join starts a member and closes it when the test ends.
func join(t *testing.T, cfg Config) *Member {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := Join(ctx, cfg)
	if err != nil {
		t.Fatalf("Join(%s): %v", cfg.NodeName, err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// waitFor polls cond every 10 ms until it holds, and returns how long that took; the test
// fails after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("after %v: still waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	took := time.Since(start)
	if took > time.Second {
		t.Logf("waited %v for %s", took.Round(time.Millisecond), what)
	}
	return took
}

func nodes(ins []Instance) []string {
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = in.Node
	}
	return out
}

func nodesAre(ins []Instance, want ...string) bool {
	got := nodes(ins)
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func product(url string) Instance {
	return Instance{Role: RoleSubgraph, Subgraph: "products", URL: url, Version: "1.0.0", Zone: "z1", Weight: 1}
}

// memberlistGoroutines counts goroutines running memberlist code.
func memberlistGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "github.com/hashicorp/memberlist.") {
			count++
		}
	}
	return count
}

// waitNoMemberlist waits for every memberlist goroutine to end: Close must stop them all.
func waitNoMemberlist(t *testing.T, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for memberlistGoroutines() > 0 {
		if time.Since(start) > limit {
			t.Errorf("%d memberlist goroutines still run %v after every member closed", memberlistGoroutines(), limit)
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}
