package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/playground"
	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// serve runs the gateway until SIGTERM or an interrupt.
func serve(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return serveContext(ctx, args, stdout, stderr)
}

// serveContext runs the gateway until ctx ends, then drains it.
func serveContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("supergraph", "", "supergraph SDL file to serve (not with --registry or --registry-url: the registry's is served)")
	listen := fs.String("listen", "127.0.0.1:4000", "address to listen on")
	dev := fs.Bool("dev", false, "development mode: query plans in responses on request")
	drain := fs.Duration("drain-timeout", 10*time.Second, "how long SIGTERM waits for requests in flight")
	dedup := fs.Bool("dedup", false, "let identical concurrent queries share one execution")
	tree := fs.Bool("tree-plans", false, "emit plans as trees (each fetch as soon as its inputs are ready) instead of batched waves")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this address (e.g. 127.0.0.1:6060); off when empty")
	configPath := fs.String("config", "", "configuration file (trellis.yaml; keys in docs/configuration.md)")
	var mesh meshFlags
	mesh.register(fs)
	redisURL := fs.String("redis", "", "Redis for rate-limit budgets and the entity cache shared by gateways, e.g. redis://127.0.0.1:6379")
	var regFlags registryFlags
	regFlags.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := errors.Join(mesh.check(), regFlags.check(fs)); err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	useRedisLog(log)
	cfg := executor.DefaultConfig()
	cfg.Dev = *dev
	cfg.Dedup = *dedup
	cfg.TreePlans = *tree
	file, err := configure(*configPath, os.Environ(), &cfg)
	if err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	if !flagGiven(fs, "supergraph") && !regFlags.on() {
		setIf(path, file.Supergraph)
	}
	if !flagGiven(fs, "listen") {
		setIf(listen, file.Listen)
	}
	ts, err := file.telemetry()
	var tel *gatewayTelemetry
	if err == nil {
		tel, err = startTelemetry(context.Background(), ts, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	defer tel.shutdown(context.Background())
	log = tel.log
	useRedisLog(log)
	cfg.Telemetry = tel.executorConfig()
	var sg *supergraph.Supergraph
	var src *registrySource
	if regFlags.on() {
		if file.Supergraph != "" {
			log.Warn("the configuration's supergraph key is ignored: the registry is the only source of the supergraph", "supergraph", file.Supergraph)
		}
		if src, sg, err = startRegistry(&regFlags, log, stderr); err != nil {
			fmt.Fprintf(stderr, "trellis serve: %v\n", err)
			return 1
		}
		defer src.close()
		file = src.withPolicy(*configPath, file, log) // the registry's central policy under the file
	} else if sg, err = loadSupergraph(*path); err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	if sg != nil {
		warnUnknownSubgraphs(log, sg, file.resilienceConfig())
	}
	var client executor.Doer // nil: the executor's own client, to the routing URLs
	st := &status{}
	switch {
	case mesh.on():
		jctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		gm, err := startGatewayMesh(jctx, &mesh, file.resilienceConfig(), log)
		cancel()
		if err != nil {
			fmt.Fprintf(stderr, "trellis serve: mesh: %v\n", err)
			return 1
		}
		defer gm.close()
		client, st.mesh, st.client = gm.client, gm, gm.client
	case file.Resilience != nil: // breakers, retries and faults on the routing URLs
		rc, err := resilience.New(file.resilienceConfig(), nil, nil, log)
		if err != nil {
			fmt.Fprintf(stderr, "trellis serve: %s: %v\n", *configPath, err)
			return 1
		}
		defer rc.Close()
		client, st.client = rc, rc
	}
	// The gateway and the traffic rules are rebuilt from the configuration on SIGHUP or when
	// the file changes; the mesh, the client and telemetry need a restart.
	var built atomic.Pointer[supergraph.Supergraph] // the last one built is the one served (a build that succeeds is swapped in): telemetry reads it
	build := func(sg *supergraph.Supergraph) (http.Handler, *executor.Gateway, error) {
		c := executor.DefaultConfig()
		c.Dev, c.Dedup, c.TreePlans = *dev, *dedup, *tree
		c.Telemetry = tel.executorConfig()
		f, err := src.configure(*configPath, os.Environ(), &c) // with the registry's policy, if any
		if err != nil {
			return nil, nil, err
		}
		if *redisURL != "" {
			c.RateLimit.Budgets.Redis.URL = *redisURL
			c.EntityCache.RedisURL = *redisURL
		}
		r, _ := f.traffic() // validated by configure
		g, err := executor.New(c, sg, client, log)
		if err != nil {
			return nil, nil, err
		}
		built.Store(sg)
		bst := &status{mesh: st.mesh, client: st.client} // each build its own: no state shared with the handler it replaces
		return r.wrap(routes(g, c.Dev, bst)), g, nil
	}
	var waiting http.Handler
	if src != nil {
		waiting = src.waiting()
	}
	reload, err := newReloader(*configPath, log, cfg.RequestTimeout+*drain, sg, waiting, build)
	if err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	defer reload.close()
	if err := tel.observeClient(built.Load, st.client); err != nil {
		fmt.Fprintf(stderr, "trellis serve: telemetry: %v\n", err)
		return 1
	}
	if *pprofAddr != "" {
		if err := servePprof(*pprofAddr, log); err != nil {
			fmt.Fprintf(stderr, "trellis serve: --pprof: %v\n", err)
			return 1
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	}
	var handler http.Handler = reload
	if src != nil {
		handler = src.routes(reload) // plus the admin API of a registry run here
	}
	srv := &http.Server{
		Handler:           tel.routes(handler), // plus /ready and /metrics
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // a client trickling its body cannot hold a connection forever
		IdleTimeout:       120 * time.Second,
	}
	go reload.watch(ctx, 2*time.Second)
	ready := &readiness{flag: &tel.ready, loaded: sg != nil, withoutRegistry: *regFlags.readyWithout}
	followed := make(chan struct{})
	if src != nil {
		go func() {
			defer close(followed)
			src.follow(ctx, reload, ready, file, log)
		}()
	} else {
		close(followed)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	ready.set(func(r *readiness) { r.listening = true })
	logServing(log, ln.Addr().String(), *path, src, sg)
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "trellis serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down", "drain_timeout", drain.String())
	ready.set(func(r *readiness) { r.draining = true })
	if src != nil {
		src.drain()
	}
	sctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	err = srv.Shutdown(sctx)
	<-followed // ends with ctx: no supergraph is swapped in after this
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "trellis serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// logServing is the line saying serve is up, and what it serves.
func logServing(log *slog.Logger, addr, path string, src *registrySource, sg *supergraph.Supergraph) {
	args := []any{"address", "http://" + addr + "/graphql"}
	switch {
	case src != nil && src.admin != nil:
		args = append(args, "registry", "http://"+addr+"/admin/graphql")
	case src != nil:
		args = append(args, "registry", src.where)
	default:
		args = append(args, "supergraph", path)
	}
	if sg != nil {
		args = append(args, "subgraphs", len(sg.Graphs))
	}
	log.Info("serving", args...)
}

// flagGiven reports whether the command line set the flag (its value then wins over the file).
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// routes are the gateway's HTTP endpoints. dev adds GET /trellis/status (subgraphs,
// instances, breakers), which says more about the deployment than production should, and
// the playground: GraphiQL for a browser opening /graphql or /, its assets embedded.
func routes(gw *executor.Gateway, dev bool, st *status) http.Handler {
	mux := http.NewServeMux()
	var api http.Handler = gw
	if dev {
		st.gw = gw
		mux.Handle("GET /trellis/status", st)
		pc := playground.DefaultConfig()
		pg := playground.New(pc)
		api = pg.Front(gw) // GraphQL requests, GETs with ?query= included, still reach gw
		mux.Handle("GET "+pc.Prefix, pg)
		mux.Handle("GET /{$}", pg)
	}
	mux.Handle("/graphql", api)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
	})
	return mux
}

// servePprof starts the profiling endpoints on their own listener, never on the public one.
func servePprof(addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("pprof", "address", "http://"+ln.Addr().String()+"/debug/pprof/")
	go http.Serve(ln, mux)
	return nil
}
