package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// envAdminToken sets the embedded registry's admin token (instead of a generated one).
const envAdminToken = "TRELLIS_ADMIN_TOKEN"

// registryFlags are serve's registry flags: run the registry in this process (--registry) or
// follow one that runs elsewhere (--registry-url). Either way the registry is the only source
// of the supergraph: --supergraph is refused with them.
type registryFlags struct {
	embedded     *bool
	store        *string
	url          *string
	token        *string
	readyWithout *bool
}

func (f *registryFlags) register(fs *flag.FlagSet) {
	f.embedded = fs.Bool("registry", false, "run the schema registry in this process: its admin API at /admin/graphql, its latest supergraph at /graphql")
	f.store = fs.String("registry-store", "", "the registry's store with --registry: a SQLite file (default ./trellis.db) or postgres://user:pass@host/db")
	f.url = fs.String("registry-url", "", "follow the registry at this address (e.g. http://registry:4000): serve its latest supergraph")
	f.token = fs.String("registry-token", "", "a token of the registry of --registry-url (default: $"+envRegistryToken+")")
	f.readyWithout = fs.Bool("ready-without-registry", false, "keep GET /ready ready while the registry cannot be read (the gateway serves its last supergraph meanwhile)")
}

func (f *registryFlags) on() bool { return *f.embedded || *f.url != "" }

// check refuses combinations that mean nothing.
func (f *registryFlags) check(fs *flag.FlagSet) error {
	switch {
	case *f.embedded && *f.url != "":
		return errors.New("--registry runs a registry here and --registry-url follows another: give one")
	case flagGiven(fs, "registry-store") && !*f.embedded:
		return errors.New("--registry-store needs --registry")
	case flagGiven(fs, "registry-token") && *f.url == "":
		return errors.New("--registry-token needs --registry-url")
	case f.on() && flagGiven(fs, "supergraph"):
		return errors.New("--supergraph with a registry: the registry is the only source of the supergraph; drop --supergraph")
	}
	return nil
}

// registrySource is where a registry-following gateway gets its supergraphs: the registry in
// this process (reg, with its admin API) or a remote one (client).
type registrySource struct {
	where  string
	reg    *registry.Registry
	admin  *admin.Server
	client *admin.Client
	first  int64 // the version taken at start, served or refused
	// firstHash is its hash: the follower applies what differs from it, newer or not.
	firstHash string

	// policy is the central policy the gateway runs with (nil: none), read by each build
	// (configure); firstPolicy is the version taken at start, applied or refused, and
	// firstPolicyHash its hash.
	policy          atomic.Pointer[registry.PolicyVersion]
	firstPolicy     int64
	firstPolicyHash string
}

// openRegistry opens the embedded registry (printing a generated admin token once, to
// stderr) or the client of the remote one.
func openRegistry(ctx context.Context, f *registryFlags, log *slog.Logger, stderr io.Writer) (*registrySource, error) {
	if !*f.embedded {
		token := firstNonEmpty(*f.token, os.Getenv(envRegistryToken))
		if token == "" {
			return nil, fmt.Errorf("--registry-url needs a token to read the registry: --registry-token or %s", envRegistryToken)
		}
		return &registrySource{where: *f.url, client: admin.NewClient(*f.url, token, nil)}, nil
	}
	opts := registryOptions()
	opts.AdminToken = os.Getenv(envAdminToken)
	opts.Logger = log
	reg, err := registry.Open(ctx, *f.store, opts)
	if err != nil {
		return nil, fmt.Errorf("--registry: %w", err)
	}
	token, created, err := reg.Bootstrap(ctx)
	if err != nil {
		reg.Close()
		return nil, fmt.Errorf("--registry: admin token: %w", err)
	}
	if created {
		fmt.Fprintf(stderr, "trellis serve: the registry's admin token, shown this once (keep it: it makes team tokens and can publish anything; or set %s to choose it):\n\n    %s\n\n", envAdminToken, token)
	}
	return &registrySource{where: "this process", reg: reg, admin: admin.New(reg, log)}, nil
}

// latest is the registry's supergraph now (nil if none yet), without waiting.
func (s *registrySource) latest(ctx context.Context) (*registry.Supergraph, error) {
	if s.reg != nil {
		return s.reg.Supergraph(ctx)
	}
	return s.client.SupergraphAfter(ctx, 0, 0)
}

// next waits for a supergraph newer than after; it may return an older one (or nil) when
// the wait ends without one.
func (s *registrySource) next(ctx context.Context, after int64) (*registry.Supergraph, error) {
	if s.reg != nil {
		return s.reg.Wait(ctx, after)
	}
	return s.client.SupergraphAfter(ctx, after, pollWait)
}

// routes mounts the admin API beside next when the registry runs here.
func (s *registrySource) routes(next http.Handler) http.Handler {
	if s.admin == nil {
		return next
	}
	mux := http.NewServeMux()
	mux.Handle(admin.Path, s.admin)
	mux.Handle("/", next)
	return mux
}

// drain ends the admin API's long polls, so that shutting down is not held by them.
func (s *registrySource) drain() {
	if s.admin != nil {
		s.admin.Close()
	}
}

func (s *registrySource) close() {
	if s.reg != nil {
		s.reg.Close()
	}
}

// waiting is what /graphql answers before the first supergraph: 503 with a GraphQL error
// saying what to do.
func (s *registrySource) waiting() http.Handler {
	msg := "no supergraph has been published yet: publish subgraphs with `trellis subgraph publish`"
	if s.client != nil {
		msg = "no supergraph from the registry at " + s.where + " yet: publish subgraphs with `trellis subgraph publish --registry " + s.where + "`"
	}
	body, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{
		"message": msg, "extensions": map[string]any{"code": "SUPERGRAPH_UNAVAILABLE"}}}})
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(body)
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
	})
	return mux
}

// readiness drives GET /ready: ready while listening with a supergraph loaded and the
// registry (when the gateway follows one) readable, and not once draining. With
// --ready-without-registry a registry that cannot be read does not make the gateway unready:
// it keeps serving its last supergraph (docs/registry-usage.md weighs the two).
type readiness struct {
	flag                        *atomic.Bool
	mu                          sync.Mutex
	listening, loaded, draining bool
	registryDown                bool // the follower cannot read the registry
	withoutRegistry             bool // --ready-without-registry
}

func (r *readiness) set(f func(*readiness)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
	r.flag.Store(r.listening && r.loaded && !r.draining && (!r.registryDown || r.withoutRegistry))
}

// startRegistry opens the registry and takes its supergraph now: nil when there is none yet,
// when it does not load (logged), or when the remote registry cannot be reached (logged; the
// gateway answers 503 until it can).
func startRegistry(f *registryFlags, log *slog.Logger, stderr io.Writer) (*registrySource, *supergraph.Supergraph, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src, err := openRegistry(ctx, f, log, stderr)
	if err != nil {
		return nil, nil, err
	}
	if err := src.startPolicy(ctx, log); err != nil {
		src.close()
		return nil, nil, err
	}
	rs, err := src.latest(ctx)
	switch {
	case err != nil && src.reg != nil: // the store this process opened cannot be read
		src.close()
		return nil, nil, fmt.Errorf("--registry: reading the supergraph: %w", err)
	case err != nil:
		log.Warn("cannot read the registry yet: /graphql answers 503 until it can", "registry", src.where, "error", err.Error())
		return src, nil, nil
	case rs == nil:
		return src, nil, nil
	}
	src.first, src.firstHash = rs.Version, rs.Hash
	sg, err := loadRegistrySupergraph(rs)
	if err != nil {
		log.Error("the registry's supergraph does not load: /graphql answers 503 until the next one", "version", rs.Version, "error", err.Error())
		return src, nil, nil
	}
	return src, sg, nil
}

func loadRegistrySupergraph(rs *registry.Supergraph) (*supergraph.Supergraph, error) {
	return supergraph.Load(fmt.Sprintf("registry supergraph v%d", rs.Version), rs.SDL)
}

// follow swaps in each new supergraph of the registry, and applies each new policy, until ctx
// ends.
func (s *registrySource) follow(ctx context.Context, reload *reloader, ready *readiness, file *fileConfig, log *slog.Logger) {
	f := &follower{next: s.next, log: log, where: s.where, after: s.first, hash: s.firstHash, apply: func(rs *registry.Supergraph) error {
		sg, err := loadRegistrySupergraph(rs)
		if err != nil {
			return err
		}
		if err := reload.setSupergraph(sg); err != nil {
			return err
		}
		warnUnknownSubgraphs(log, sg, file.resilienceConfig())
		ready.set(func(r *readiness) { r.loaded = true })
		return nil
	}}
	f.readable = func(ok bool) { ready.set(func(r *readiness) { r.registryDown = !ok }) }
	var policy sync.WaitGroup
	policy.Go(func() { s.followPolicy(ctx, reload, file, log) })
	f.run(ctx)
	policy.Wait()
}
