package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestHeaderRulesReload: trellis serve applies changed header rules when the file changes,
// with no restart (the gateway is rebuilt from the configuration).
func TestHeaderRulesReload(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the file watcher")
	}
	var mu sync.Mutex
	var versions []string
	accounts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		versions = append(versions, r.Header.Get("X-Version"))
		mu.Unlock()
		io.WriteString(w, `{"data":{"me":{"name":"Ada"}}}`)
	}))
	defer accounts.Close()
	dir := t.TempDir()
	sdl, err := os.ReadFile("../../examples/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	sgFile := writeFile(t, dir, "sg.graphql", string(bytes.ReplaceAll(sdl, []byte("http://127.0.0.1:4001/graphql"), []byte(accounts.URL))))
	conf := filepath.Join(dir, "trellis.yaml")
	write := func(version string) {
		body := "headers:\n  subgraphs:\n    accounts:\n      request:\n        - set: { name: X-Version, value: \"" + version + "\" }\n"
		if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- serveContext(ctx, []string{"--supergraph", sgFile, "--listen", addr, "--config", conf}, io.Discard, &stderr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	waitHealthy(t, "http://"+addr+"/health")
	// last sends a query and returns the X-Version the subgraph received.
	last := func() string {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { name } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		mu.Lock()
		defer mu.Unlock()
		if len(versions) == 0 {
			return "(no request)"
		}
		return versions[len(versions)-1]
	}
	if got := last(); got != "1" {
		t.Fatalf("before the change the subgraph received X-Version %q, want 1\n%s", got, stderr.String())
	}
	write("2")
	deadline := time.Now().Add(15 * time.Second)
	for last() != "2" {
		if time.Now().After(deadline) {
			t.Fatalf("X-Version still %q 15s after the file changed\n%s", last(), stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
