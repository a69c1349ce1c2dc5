package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
)

const crashAdminToken = "crash-test-admin-token-0123456789"

// TestRegistryCrashKeepsAcknowledgedPublishes kills `trellis serve --registry` with SIGKILL
// while a client publishes as fast as it can, restarts it on the same SQLite file, and
// checks that every publish the registry acknowledged is there, in the current set and in
// the latest supergraph: an acknowledged publish survives a crash.
func TestRegistryCrashKeepsAcknowledgedPublishes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the trellis binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "trellis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	store := filepath.Join(dir, "registry.db")
	addr := freeAddr(t)
	first := startRegistryProcess(t, bin, store, addr)
	client := admin.NewClient("http://"+addr, crashAdminToken, nil)

	acked := publishUntilKilled(t, client, first, 4)
	if len(acked) < 4 {
		t.Fatalf("only %d publishes acknowledged before the kill", len(acked))
	}

	startRegistryProcess(t, bin, store, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	subs, err := client.Subgraphs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, s := range subs {
		have[s.Name] = true
	}
	sg, err := client.Supergraph(ctx)
	if err != nil || sg == nil {
		t.Fatalf("no supergraph after the restart: %v", err)
	}
	for _, name := range acked {
		if !have[name] {
			t.Errorf("acknowledged publish of %s lost: the registry lists %v", name, subs)
		}
		if !strings.Contains(sg.SDL, "field_"+name+": Int") {
			t.Errorf("acknowledged publish of %s is not in supergraph v%d", name, sg.Version)
		}
	}
	t.Logf("%d publishes acknowledged before SIGKILL; all present after the restart (supergraph v%d)", len(acked), sg.Version)
}

// publishUntilKilled publishes new subgraphs one after another and kills the process with
// SIGKILL once `before` are acknowledged, while the next publish is on its way. It returns
// the names the registry acknowledged.
func publishUntilKilled(t *testing.T, c *admin.Client, p *exec.Cmd, before int) []string {
	t.Helper()
	var acked []string
	killed := make(chan struct{})
	for i := 0; ; i++ {
		name := fmt.Sprintf("s%03d", i)
		if len(acked) == before {
			go func() { // kill while this publish is in flight
				time.Sleep(time.Duration(i%7) * time.Millisecond)
				p.Process.Kill()
				close(killed)
			}()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := c.Publish(ctx, registry.Input{Name: name, RoutingURL: "http://127.0.0.1:1/graphql", SDL: crashSubgraph(name)}, false)
		cancel()
		if err == nil && res.Status == registry.StatusPublished {
			acked = append(acked, name)
			continue
		}
		if len(acked) < before {
			t.Fatalf("publish %s before the kill: %v %+v", name, err, res)
		}
		<-killed
		p.Wait()
		return acked
	}
}

func crashSubgraph(name string) string {
	return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
type Query { field_` + name + `: Int }
`
}

// startRegistryProcess runs `trellis serve --registry` on store and waits until it answers.
func startRegistryProcess(t *testing.T, bin, store, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--registry", "--registry-store", store, "--listen", addr)
	cmd.Env = append(os.Environ(), "TRELLIS_ADMIN_TOKEN="+crashAdminToken)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	c := admin.NewClient("http://"+addr, crashAdminToken, nil)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Subgraphs(ctx)
		cancel()
		if err == nil {
			return cmd
		}
		if time.Now().After(deadline) {
			t.Fatalf("registry did not answer: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
