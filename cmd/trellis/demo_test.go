package main

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoCommand: trellis demo serves the examples through the mesh with mTLS, the
// playground's status lists the instances, and SIGTERM stops everything.
func TestDemoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "trellis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "demo", "--listen", addr)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitHealthy(t, "http://"+addr+"/health")
	var body string
	deadline := time.Now().Add(15 * time.Second)
	for { // the instances join right after the gateway listens
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ topProducts { name reviews { author { username } } } }"}`))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if strings.Contains(body, `"username":"urigo"`) && !strings.Contains(body, `"errors"`) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no complete answer: %s\n%s", body, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/trellis/status")
	if err != nil {
		t.Fatal(err)
	}
	status, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if bytes.Count(status, []byte(`"url":"https://127.0.0.1:`)) < 8 {
		t.Fatalf("status lists fewer than 8 mTLS instances: %s", status)
	}
	if !strings.Contains(stdout.String(), "not started             the schema registry") {
		t.Fatalf("the demo does not say what it did not start:\n%s", stdout.String())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15s after SIGTERM")
	}
}
