package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestHotReload: the real binary applies a changed configuration file without a restart,
// refuses an invalid one and keeps the running one, and reloads on SIGHUP.
func TestHotReload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "trellis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "trellis.yaml")
	write := func(body string) {
		if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("cost:\n  mode: measure\n  max_cost: 1\n")
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--supergraph", "../../examples/supergraph.graphql", "--listen", addr, "--config", conf)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitHealthy(t, "http://"+addr+"/health")
	// No subgraph runs: the answer's errors do not matter, its cost does. Measure mode
	// reports extensions.cost; enforce with a maximum of 1 refuses the list before any fetch.
	ask := func() string {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ topProducts { name } }"}`))
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	eventually := func(what string, cond func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			body := ask()
			if cond(body) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: last answer %s\n%s", what, body, stderr.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	eventually("measure mode", func(b string) bool { return strings.Contains(b, `"cost":{"estimated":10`) })
	write("cost:\n  mode: enforce\n  max_cost: 1\n")
	eventually("enforce after the file changed", func(b string) bool { return strings.Contains(b, "COST_ESTIMATED_TOO_EXPENSIVE") })
	write("cost:\n  mode: strict\n")
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(stderr.String(), "configuration not reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for the invalid file\n%s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if b := ask(); !strings.Contains(b, "COST_ESTIMATED_TOO_EXPENSIVE") {
		t.Fatalf("the running configuration was not kept: %s", b)
	}
	if !strings.Contains(stderr.String(), `cost.mode: \"strict\"`) {
		t.Fatalf("the log line does not say why:\n%s", stderr.String())
	}
	// SIGHUP reloads too (a file fixed and signalled).
	write("cost:\n  mode: measure\n  max_cost: 1\n")
	cmd.Process.Signal(syscall.SIGHUP)
	eventually("measure after SIGHUP", func(b string) bool { return strings.Contains(b, `"cost":{"estimated":10`) })
}
