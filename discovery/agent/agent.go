package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/resilience/identity"
)

// Config is one subgraph instance in the mesh.
type Config struct {
	// Subgraph is the subgraph's name as in the supergraph (@join__graph name).
	Subgraph string
	// Listen is the address to serve on, such as 127.0.0.1:4102; port 0 takes a free one.
	Listen string
	// URL is the GraphQL URL gateways use; empty means https://LISTEN/graphql (http:// without
	// TLS), with the port actually bound.
	URL string
	// Zone, Weight and Version are advertised with the instance (see discovery.Instance).
	Zone    string
	Weight  int
	Version string
	// Discovery says how to join the cluster; its Self is filled from the fields above.
	Discovery discovery.Config
	// Cert, Key and Bundle are the instance's identity and trust bundle (PEM files, re-read
	// when they change). All empty serves plain HTTP and accepts anyone: development only.
	Cert, Key, Bundle string
	// Drain bounds the graceful shutdown when the context ends.
	Drain time.Duration
}

// Validate reports what Serve cannot honour.
func (c Config) Validate() error {
	if c.Subgraph == "" {
		return errors.New("agent.subgraph: name the subgraph, as in the supergraph")
	}
	if c.Listen == "" {
		return errors.New("agent.listen: give the address to serve on, e.g. 127.0.0.1:4102")
	}
	if (c.Cert == "") != (c.Key == "") || (c.Cert == "") != (c.Bundle == "") {
		return errors.New("agent.tls: give cert, key and bundle together (or none, for plain HTTP in development)")
	}
	return nil
}

// Instance is a running subgraph instance; Close leaves the cluster and stops serving.
type Instance struct {
	URL    string
	Member *discovery.Member
	srv    *http.Server
	src    *identity.Source
	done   chan error
	drain  time.Duration
}

// Start serves handler as an instance of cfg.Subgraph and joins the cluster. The server is
// listening before the instance is advertised, so a gateway never learns of it too early.
func Start(ctx context.Context, cfg Config, handler http.Handler, log *slog.Logger) (*Instance, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	in := &Instance{done: make(chan error, 1), drain: cfg.Drain}
	if in.drain <= 0 {
		in.drain = 5 * time.Second
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("agent.listen: %w", err)
	}
	scheme := "http"
	if cfg.Cert != "" {
		if in.src, err = identity.NewSource(cfg.Cert, cfg.Key, cfg.Bundle, log); err != nil {
			ln.Close()
			return nil, err
		}
		if id := in.src.ID(); id.Kind != identity.KindSubgraph || id.Name != cfg.Subgraph {
			ln.Close()
			in.src.Close()
			return nil, fmt.Errorf("agent.tls: the certificate proves %s; an instance of %s proves spiffe://%s/subgraph/%s (trellis ca issue --subgraph %s)",
				id, cfg.Subgraph, id.TrustDomain, cfg.Subgraph, cfg.Subgraph)
		}
		tlsCfg := identity.ServerConfig(in.src, identity.AuthorizeGateways(in.src.ID().TrustDomain))
		ln = tls.NewListener(ln, tlsCfg)
		scheme = "https"
	}
	in.URL = cfg.URL
	if in.URL == "" {
		if ip := ln.Addr().(*net.TCPAddr).IP; ip.IsUnspecified() {
			ln.Close()
			if in.src != nil {
				in.src.Close()
			}
			return nil, fmt.Errorf("agent.url: listening on %s, the instance has no address gateways can use: give its URL (e.g. https://10.0.0.5:4102/graphql)", ln.Addr())
		}
		in.URL = fmt.Sprintf("%s://%s/graphql", scheme, ln.Addr())
	}
	in.srv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slogErrorLog(log)}
	go func() { in.done <- in.srv.Serve(ln) }()
	dc := cfg.Discovery
	dc.Self = discovery.Instance{Role: discovery.RoleSubgraph, Subgraph: cfg.Subgraph, URL: in.URL,
		Zone: cfg.Zone, Weight: cfg.Weight, Version: cfg.Version}
	if dc.Log == nil {
		dc.Log = log
	}
	if in.Member, err = discovery.Join(ctx, dc); err != nil {
		in.stop()
		return nil, err
	}
	log.Info("subgraph instance in the mesh", "subgraph", cfg.Subgraph, "url", in.URL, "node", in.Member.Self().Node)
	return in, nil
}

// Close leaves the cluster (so gateways stop routing here), then drains the server.
func (in *Instance) Close() error {
	err := in.Member.Leave(time.Second)
	in.Member.Close()
	return errors.Join(err, in.stop())
}

// Kill stops serving without leaving the cluster, as a crash would: for tests.
func (in *Instance) Kill() {
	in.srv.Close()
	in.Member.Close()
	if in.src != nil {
		in.src.Close()
	}
}

func (in *Instance) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), in.drain)
	defer cancel()
	err := in.srv.Shutdown(ctx)
	if in.src != nil {
		in.src.Close()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Serve runs an instance until ctx ends, then leaves the cluster and drains.
func Serve(ctx context.Context, cfg Config, handler http.Handler, log *slog.Logger) error {
	in, err := Start(ctx, cfg, handler, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return in.Close()
	case err := <-in.done:
		in.Member.Close()
		return err
	}
}

// Proxy forwards requests to a subgraph's plain-HTTP address, for the sidecar.
func Proxy(target *url.URL, log *slog.Logger) http.Handler {
	p := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.URL.Path = target.Path // the subgraph's own GraphQL path
			r.Out.Host = target.Host
		},
		ErrorLog: slogErrorLog(log),
	}
	return p
}
