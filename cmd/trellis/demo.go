package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/discovery/agent"
	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/resilience/identity"
	"github.com/trellis-gql/trellis/schema/registry"
)

const demoQuery = `{ topProducts { name price shippingEstimate reviews { body author { username } } } }`

// demo runs everything in one process: a throw-away CA, the example subgraphs as instances
// in the mesh with their identities, a schema registry on a throw-away SQLite file with the
// examples published to it, and the gateway serving the registry's supergraph with the
// admin API, the playground and cost reporting. Ctrl-C (or SIGTERM) stops it all and
// removes the files.
func demo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:4000", "address of the gateway, the playground and the registry's admin API")
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
	config := filepath.Join(dir, "trellis.yaml")
	if err := os.WriteFile(config, []byte("cost:\n  mode: measure\n  max_cost: 100000\n"), 0o644); err != nil {
		return fail(err)
	}
	store := filepath.Join(dir, "registry.db")
	reg, err := seedDemoRegistry(store, all.DefaultAddrs("127.0.0.1"))
	if err != nil {
		return fail(fmt.Errorf("registry: %w", err))
	}
	check, err := demoCheckFile(dir)
	if err != nil {
		return fail(err)
	}
	key := "dHJlbGxpcyBkZW1vIGtleSwgMzIgYnl0ZXMgbG9uZyE=" // base64 of 32 bytes; a demo on loopback only
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	started := make(chan error, 1)
	go func() {
		started <- startDemoInstances(ctx, certs, "127.0.0.1:"+strconv.Itoa(gossip), key, *instances, log)
	}()
	printDemo(stdout, demoBanner{listen: *listen, gossip: gossip, dir: dir, instances: *instances, reg: reg, checkFile: check})
	go func() {
		if err := <-started; err != nil {
			fmt.Fprintf(stderr, "trellis demo: instances: %v\n", err)
		}
	}()
	return serve([]string{"--registry", "--registry-store", store, "--config", config,
		"--listen", *listen, "--dev", "--gossip-bind", "127.0.0.1:" + strconv.Itoa(gossip), "--gossip-profile", "local",
		"--gossip-key", key, "--tls-cert", certs["gateway"][0], "--tls-key", certs["gateway"][1], "--tls-bundle", certs["bundle"][0]}, stdout, stderr)
}

// demoBanner is what the demo prints it started.
type demoBanner struct {
	listen    string
	gossip    int
	dir       string
	instances int
	reg       *demoRegistry
	checkFile string
}

func printDemo(w io.Writer, b demoBanner) {
	base := "http://" + b.listen
	token, tokenArg := b.reg.token, b.reg.token
	if b.reg.fromEnv {
		token, tokenArg = "$"+envAdminToken+" (from the environment)", `"$`+envAdminToken+`"`
	}
	fmt.Fprintf(w, `Trellis demo
  gateway and playground  %s/graphql  (open it in a browser)
  gossip                  127.0.0.1:%d, mTLS identities from a throw-away CA in %s
  subgraphs               %d instances each of accounts, inventory, products, reviews, in process
  schema registry         %s/admin/graphql, in process, on %s
                          published %s: supergraph v%d
  admin token             %s
                          (a throw-away: the registry is deleted when the demo stops)
Try:
  curl -s %s/graphql -H 'content-type: application/json' -d '{"query":"%s"}'
  %s subgraph check --registry %s --token %s --name products --schema %s
      (products without Product.name: the check lists the breaking change and exits 1)
`, base, b.gossip, b.dir, b.instances, base, b.reg.store, strings.Join(b.reg.published, ", "), b.reg.version,
		token, base, demoQuery, os.Args[0], base, tokenArg, b.checkFile)
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

// demoPublishOrder is the order the demo publishes the examples in, as docs/registry-usage.md
// does: each prefix composes (inventory's @requires needs products' fields, reviews extends
// the others' types).
var demoPublishOrder = []string{"products", "inventory", "accounts", "reviews"}

// demoRegistry is what seedDemoRegistry made.
type demoRegistry struct {
	store     string
	token     string // the admin token
	fromEnv   bool   // the token is $TRELLIS_ADMIN_TOKEN, which serve --registry records too
	published []string
	version   int64 // the supergraph's
}

// seedDemoRegistry creates the registry's store, bootstraps its admin token and publishes
// the example subgraphs, routed to addrs (host:port by name), with the schemas they serve.
// It closes the store: `serve --registry` opens it again.
func seedDemoRegistry(store string, addrs map[string]string) (*demoRegistry, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := registryOptions()
	opts.AdminToken = os.Getenv(envAdminToken) // as serve does: it would replace a generated token
	reg, err := registry.Open(ctx, store, opts)
	if errors.Is(err, registry.ErrInvalid) && opts.AdminToken != "" {
		return nil, fmt.Errorf("$%s: %w", envAdminToken, err)
	}
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	token, created, err := reg.Bootstrap(ctx)
	if err != nil {
		return nil, err
	}
	out := &demoRegistry{store: store, token: token, fromEnv: !created}
	if !created {
		out.token = opts.AdminToken
	}
	admin, err := reg.Authenticate(ctx, out.token)
	if err != nil {
		return nil, err
	}
	for _, name := range demoPublishOrder {
		sdl, err := examples.SubgraphSDL(name)
		if err != nil {
			return nil, err
		}
		res, err := reg.Publish(ctx, admin, registry.Input{Name: name, RoutingURL: "http://" + addrs[name] + "/graphql", SDL: sdl}, false)
		if err != nil {
			return nil, fmt.Errorf("publishing %s: %w", name, err)
		}
		if res.Status != registry.StatusPublished {
			return nil, fmt.Errorf("publishing %s: %s: %s", name, res.Status, res.Message)
		}
		out.published = append(out.published, name)
		out.version = res.SupergraphVersion
	}
	return out, nil
}

// demoCheckFile writes the products schema without Product.name, a field clients select,
// for the `subgraph check` the demo suggests.
func demoCheckFile(dir string) (string, error) {
	sdl, err := examples.SubgraphSDL("products")
	if err != nil {
		return "", err
	}
	lines := strings.Split(sdl, "\n")
	kept := slices.DeleteFunc(slices.Clone(lines), func(line string) bool { return strings.TrimSpace(line) == "name: String" })
	if len(kept) == len(lines) {
		return "", errors.New("the products example has no `name: String` field to remove for the check example")
	}
	path := filepath.Join(dir, "products-without-name.graphql")
	return path, os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o644)
}
