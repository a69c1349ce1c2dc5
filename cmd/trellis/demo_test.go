package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/schema/registry"
)

// TestDemoCommand: trellis demo serves the examples through the mesh with mTLS, the
// playground's status lists the instances, the supergraph is the registry's (whose admin API
// answers with the printed token, and whose printed check command works), and SIGTERM stops
// everything and removes the demo's files.
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
	defer func() { // a test that fails kills the demo, which then cannot remove its files
		cmd.Process.Kill()
		if m := demoDirPattern.FindStringSubmatch(stdout.String()); m != nil {
			os.RemoveAll(m[1])
		}
	}()
	waitHealthy(t, "http://"+addr+"/health", stderr.String)
	get := func(method, path, body string) string {
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	// The instances join right after the gateway listens, each in its own time.
	poll(t, "a complete answer through the gateway", stderr.String, func() (string, bool) {
		body := get(http.MethodPost, "/graphql", `{"query":"{ topProducts { name reviews { author { username } } } }"}`)
		return body, strings.Contains(body, `"username":"urigo"`) && !strings.Contains(body, `"errors"`)
	})
	poll(t, "8 mTLS instances in the status", stderr.String, func() (string, bool) {
		status := get(http.MethodGet, "/trellis/status", "")
		return status, strings.Count(status, `"url":"https://127.0.0.1:`) >= 8
	})
	checkDemoRegistry(t, addr, stdout.String())
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
	if _, err := os.Stat(demoDir(t, stdout.String())); !os.IsNotExist(err) {
		t.Errorf("the demo's files are still there: %v", err)
	}
}

// poll retries try for up to 30 s; when it never succeeds, the test fails with its last
// answer and logs.
func poll(t *testing.T, what string, logs func() string, try func() (string, bool)) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var ok bool
		if last, ok = try(); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 30 s; last answer %s\n%s", what, last, logs())
		}
	}
}

var demoDirPattern = regexp.MustCompile(`a throw-away CA in (\S+)`)

// demoDir is the demo's throw-away folder, from what it printed.
func demoDir(t *testing.T, out string) string {
	t.Helper()
	m := demoDirPattern.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo does not print its folder:\n%s", out)
	}
	return m[1]
}

// checkDemoRegistry: the registry's admin API answers with the admin token the demo printed,
// its supergraph is version 4 of the four examples (the one the gateway serves), another
// token is refused, and the printed `subgraph check` command reports the breaking change.
func checkDemoRegistry(t *testing.T, addr, out string) {
	t.Helper()
	m := regexp.MustCompile(`admin token +(trellis_\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo does not print the admin token:\n%s", out)
	}
	for _, want := range []string{"schema registry         http://" + addr + "/admin/graphql", "published products, inventory, accounts, reviews: supergraph v4"} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo does not print %q:\n%s", want, out)
		}
	}
	const q = `{"query":"{ supergraph { version subgraphs { name version } } subgraphs { name routingUrl } }"}`
	want := `{"data":{"supergraph":{"version":4,"subgraphs":[{"name":"accounts","version":1},{"name":"inventory","version":1},{"name":"products","version":1},{"name":"reviews","version":1}]},` +
		`"subgraphs":[{"name":"accounts","routingUrl":"http://127.0.0.1:4001/graphql"},{"name":"inventory","routingUrl":"http://127.0.0.1:4003/graphql"},` +
		`{"name":"products","routingUrl":"http://127.0.0.1:4002/graphql"},{"name":"reviews","routingUrl":"http://127.0.0.1:4004/graphql"}]}}`
	if code, body := adminPost(t, addr, m[1], q); code != http.StatusOK || body != want {
		t.Errorf("admin API: %d %s\nwant %s", code, body, want)
	}
	if _, body := adminPost(t, addr, m[1]+"x", q); !strings.Contains(body, `"UNAUTHENTICATED"`) {
		t.Errorf("a wrong token is not refused: %s", body)
	}
	line := regexp.MustCompile(`(?m)^ +(\S+ subgraph check .*)$`).FindStringSubmatch(out)
	if line == nil {
		t.Fatalf("the demo does not print a check command:\n%s", out)
	}
	args := strings.Fields(line[1])
	res, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(res), "BREAKING FIELD_REMOVED Product.name") {
		t.Errorf("%s: exit %d, want 1 and the breaking change:\n%s", line[1], code, res)
	}
}

func adminPost(t *testing.T, addr, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/admin/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestSeedDemoRegistry: the demo's registry holds the four examples, routed to the addresses
// given, composed into supergraph v4, with a generated admin token (or $TRELLIS_ADMIN_TOKEN,
// which `serve --registry` would record anyway); what cannot be seeded says why.
func TestSeedDemoRegistry(t *testing.T) {
	t.Setenv(envAdminToken, "")
	store := filepath.Join(t.TempDir(), "registry.db")
	addrs := all.DefaultAddrs("127.0.0.1")
	got, err := seedDemoRegistry(store, addrs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.token, "trellis_") || got.fromEnv || got.version != 4 || got.store != store ||
		!slices.Equal(got.published, []string{"products", "inventory", "accounts", "reviews"}) {
		t.Fatalf("seeded %+v", got)
	}
	reg, err := registry.Open(t.Context(), store, registryOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if p, err := reg.Authenticate(t.Context(), got.token); err != nil || !p.Admin {
		t.Errorf("the printed token is not the admin token: %+v %v", p, err)
	}
	rs, err := reg.Supergraph(t.Context())
	if err != nil || rs == nil || rs.Version != 4 {
		t.Fatalf("supergraph %+v %v", rs, err)
	}
	sg, err := loadRegistrySupergraph(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range sg.Graphs {
		if want := "http://" + addrs[g.Name] + "/graphql"; g.URL != want {
			t.Errorf("%s routed to %s, want %s", g.Name, g.URL, want)
		}
	}
	if len(sg.Graphs) != 4 {
		t.Errorf("%d subgraphs in the supergraph, want 4", len(sg.Graphs))
	}

	t.Setenv(envAdminToken, testAdminToken)
	if got, err := seedDemoRegistry(filepath.Join(t.TempDir(), "registry.db"), addrs); err != nil || got.token != testAdminToken || !got.fromEnv {
		t.Errorf("with $%s: %+v %v", envAdminToken, got, err)
	}

	cases := []struct {
		name, env, store string
		addrs            map[string]string
		want             string
	}{
		{"short token", "short", "", addrs, "$TRELLIS_ADMIN_TOKEN: invalid: the admin token must be 16 to 256 characters"},
		{"store folder missing", "", filepath.Join(t.TempDir(), "missing", "registry.db"), addrs, "missing"},
		{"no address", "", "", map[string]string{}, "publishing products"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(envAdminToken, c.env)
			store := c.store
			if store == "" {
				store = filepath.Join(t.TempDir(), "registry.db")
			}
			if _, err := seedDemoRegistry(store, c.addrs); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one with %q", err, c.want)
			}
		})
	}
}

// TestPrintDemoTokenFromEnv: a token from the environment is named, never printed.
func TestPrintDemoTokenFromEnv(t *testing.T) {
	var out bytes.Buffer
	printDemo(&out, demoBanner{listen: "127.0.0.1:4000", reg: &demoRegistry{token: testAdminToken, fromEnv: true, version: 4}})
	if strings.Contains(out.String(), testAdminToken) || !strings.Contains(out.String(), `--token "$TRELLIS_ADMIN_TOKEN"`) {
		t.Errorf("banner:\n%s", out.String())
	}
}
