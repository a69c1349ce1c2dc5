package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/discovery/agent"
	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/resilience/identity"
)

const demoQuery = `{ topProducts { name price shippingEstimate reviews { body author { username } } } }`

// demo runs everything built so far in one process: a throw-away CA, the example subgraphs
// as instances in the mesh with their identities, and the gateway with the playground and
// cost reporting. Parts of the product not built yet (the registry) are not started.
func demo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:4000", "address of the gateway and the playground")
	instances := fs.Int("instances", 2, "instances of each example subgraph")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "trellis demo: %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "trellis-demo-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	certs, err := demoCA(dir)
	if err != nil {
		return fail(err)
	}
	gossip, err := freePort()
	if err != nil {
		return fail(err)
	}
	files := map[string]string{
		"supergraph.graphql": examples.Supergraph,
		"trellis.yaml":       "cost:\n  mode: measure\n  max_cost: 100000\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return fail(err)
		}
	}
	key := "dHJlbGxpcyBkZW1vIGtleSwgMzIgYnl0ZXMgbG9uZyE=" // base64 of 32 bytes; a demo on loopback only
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	started := make(chan error, 1)
	go func() {
		started <- startDemoInstances(ctx, certs, "127.0.0.1:"+strconv.Itoa(gossip), key, *instances, log)
	}()
	fmt.Fprintf(stdout, `Trellis demo
  gateway and playground  http://%s/graphql  (open it in a browser)
  gossip                  127.0.0.1:%d, mTLS identities from a throw-away CA in %s
  subgraphs               %d instances each of accounts, inventory, products, reviews, in process
  not started             the schema registry (not built yet)
Try:
  curl -s %s/graphql -H 'content-type: application/json' -d '{"query":"%s"}'
`, *listen, gossip, dir, *instances, "http://"+*listen, demoQuery)
	go func() {
		if err := <-started; err != nil {
			fmt.Fprintf(stderr, "trellis demo: instances: %v\n", err)
		}
	}()
	return serve([]string{"--supergraph", filepath.Join(dir, "supergraph.graphql"), "--config", filepath.Join(dir, "trellis.yaml"),
		"--listen", *listen, "--dev", "--gossip-bind", "127.0.0.1:" + strconv.Itoa(gossip), "--gossip-profile", "local",
		"--gossip-key", key, "--tls-cert", certs["gateway"][0], "--tls-key", certs["gateway"][1], "--tls-bundle", certs["bundle"][0]}, stdout, stderr)
}

// demoCA makes a CA and the identities of the gateway and the example subgraphs.
func demoCA(dir string) (map[string][2]string, error) {
	ca := filepath.Join(dir, "ca")
	if err := identity.InitCA(ca, "demo.trellis", 7*24*time.Hour); err != nil {
		return nil, err
	}
	out := map[string][2]string{"bundle": {filepath.Join(ca, identity.BundleFile)}}
	issue := func(kind identity.Kind, name, as string) error {
		id, err := identity.NewID("demo.trellis", kind, name)
		if err != nil {
			return err
		}
		cert, key, err := identity.Issue(ca, id, 24*time.Hour, ca)
		out[as] = [2]string{cert, key}
		return err
	}
	if err := issue(identity.KindGateway, "demo", "gateway"); err != nil {
		return nil, err
	}
	for _, name := range all.Names() {
		if err := issue(identity.KindSubgraph, name, name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// startDemoInstances runs n instances of each example subgraph, joined to the gateway's
// gossip once it listens, until ctx ends.
func startDemoInstances(ctx context.Context, certs map[string][2]string, seed, key string, n int, log *slog.Logger) error {
	secret, err := discovery.ParseKey(key)
	if err != nil {
		return err
	}
	for _, name := range all.Names() {
		for range n {
			cfg := agent.Config{Subgraph: name, Listen: "127.0.0.1:0", Cert: certs[name][0], Key: certs[name][1], Bundle: certs["bundle"][0],
				Discovery: discovery.Config{BindAddr: "127.0.0.1", Profile: discovery.ProfileLocal, Join: []string{seed}, SecretKey: secret}}
			in, err := agent.Start(ctx, cfg, all.Handlers()[name], log)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			go func() {
				<-ctx.Done()
				in.Close()
			}()
		}
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
