package main

import (
	"bytes"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestPlanCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"plan", "--supergraph", "../../examples/supergraph.graphql", "--query", "../../examples/benchmark.graphql"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	golden := "testdata/benchmark.plan"
	if *update {
		os.WriteFile(golden, out.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("plan differs from %s:\n%s", golden, out.String())
	}
}

func TestCommandErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.graphql")
	os.WriteFile(bad, []byte("type Query {\n  a: Int\n  b: Nope\n}\n"), 0o644)
	op := filepath.Join(t.TempDir(), "op.graphql")
	os.WriteFile(op, []byte("{ nope }"), 0o644)
	good := filepath.Join(t.TempDir(), "good.graphql")
	os.WriteFile(good, []byte("{ me { id } }"), 0o644)
	zeroCost := filepath.Join(t.TempDir(), "trellis.yaml")
	os.WriteFile(zeroCost, []byte("cost:\n  mode: enforce\n  max_cost: 0\n"), 0o644)
	badRetry := filepath.Join(t.TempDir(), "retry.yaml")
	os.WriteFile(badRetry, []byte("resilience:\n  retry:\n    max_attempts: 0\n"), 0o644)
	typo := filepath.Join(t.TempDir(), "typo.yaml")
	os.WriteFile(typo, []byte("rate_limit:\n  windw: 1m\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "Usage:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"serve"}, 1, "--supergraph is required"},
		{[]string{"serve", "--supergraph", "missing.graphql"}, 1, "reading supergraph: open missing.graphql: no such file or directory"},
		{[]string{"serve", "--supergraph", bad}, 1, bad + ":3:6: Undefined type Nope."},
		{[]string{"serve", "--supergraph", "../../examples/supergraph.graphql", "--config", zeroCost}, 1, zeroCost + ": cost.max_cost: must be positive"},
		{[]string{"serve", "--supergraph", "../../examples/supergraph.graphql", "--config", badRetry}, 1, badRetry + ": resilience.retry.max_attempts: must be between 1 (no retry) and 10"},
		{[]string{"serve", "--supergraph", "../../examples/supergraph.graphql", "--config", typo}, 1, typo + `:2:3: unknown key "rate_limit.windw": did you mean "window"?`},
		{[]string{"plan", "--supergraph", "../../examples/supergraph.graphql"}, 1, "--query is required"},
		{[]string{"serve", "--supergraph", "../../examples/supergraph.graphql", "--tls-key", "k.pem"}, 2, "--tls-cert, --tls-key and --tls-bundle go together"},
		{[]string{"serve", "--supergraph", "../../examples/supergraph.graphql", "--zone", "a"}, 2, "need the mesh: add --join, --gossip-bind or --tls-cert"},
		{[]string{"ca", "issue", "--dir", "/nonexistent/ca", "--subgraph", "a"}, 1, "trellis ca init"},
		{[]string{"ca", "frobnicate"}, 2, `unknown subcommand "frobnicate"`},
		{[]string{"config", "validate", "--config", zeroCost}, 1, zeroCost + ": cost.max_cost: must be positive"},
		{[]string{"config", "validate", "--config", typo}, 1, `unknown key "rate_limit.windw"`},
		{[]string{"config"}, 2, "trellis config validate"},
		{[]string{"agent", "--subgraph", "products", "--target", "http://127.0.0.1:4002/graphql"}, 1, "--join: give a gateway's gossip address"},
		{[]string{"plan", "--supergraph", "../../examples/supergraph.graphql", "--query", op}, 1, `Cannot query field "nope" on type "Query".`},
		{[]string{"plan", "--supergraph", "../../examples/supergraph.graphql", "--query", good, "--variables", "[1"}, 1, "--variables"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(c.args, &out, &errOut)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), c.want) {
				t.Fatalf("stderr %q lacks %q", errOut.String(), c.want)
			}
		})
	}
}

// TestServeLifecycle runs the real binary: /health answers once it listens, a request in
// flight finishes after SIGTERM, and the process exits 0.
func TestServeLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "trellis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// A subgraph that answers slowly keeps a request in flight across the SIGTERM.
	arrived := make(chan struct{}, 1)
	slow := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		time.Sleep(500 * time.Millisecond)
		io.WriteString(w, `{"data":{"me":{"id":"1","name":"Ada"}}}`)
	})}
	sln, _ := net.Listen("tcp", "127.0.0.1:0")
	go slow.Serve(sln)
	defer slow.Close()
	sdl, _ := os.ReadFile("../../examples/supergraph.graphql")
	sgFile := filepath.Join(t.TempDir(), "sg.graphql")
	os.WriteFile(sgFile, bytes.ReplaceAll(sdl, []byte("http://127.0.0.1:4001/graphql"), []byte("http://"+sln.Addr().String())), 0o644)

	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--supergraph", sgFile, "--listen", addr)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitHealthy(t, "http://"+addr+"/health")

	result := make(chan string, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { name } }"}`))
		if err != nil {
			result <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		result <- string(b)
	}()
	select { // the request is in flight: the gateway is waiting for the slow subgraph
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the subgraph")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if got := <-result; got != `{"data":{"me":{"name":"Ada"}}}` {
		t.Errorf("in-flight request: %s", got)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after SIGTERM\n%s", stderr.String())
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy waits up to 30 s (a process started while the whole suite runs under -race
// on two cores can take far longer than its usual half second) for url to answer 200. On
// failure it prints the last error and what logs return (the process's stderr).
func waitHealthy(t *testing.T, url string, logs ...func() string) {
	var last string
	for i := 0; i < 600; i++ {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(50 * time.Millisecond)
	}
	var out strings.Builder
	for _, l := range logs {
		out.WriteString(l())
	}
	t.Fatalf("%s never answered 200 (last: %s)\n%s", url, last, out.String())
}
