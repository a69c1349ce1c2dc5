package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/discovery/agent"
	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/resilience/identity"
)

// meshOptions run the examples as instances in the mesh.
type meshOptions struct {
	instances int
	join      string
	key       string
	tlsDir    string // holds bundle.pem and subgraph-NAME.pem / -key.pem (trellis ca issue)
	host      string
}

// serveMesh runs opts.instances instances of every example subgraph on free ports, each
// joining the gossip cluster at opts.join and serving over mTLS when opts.tlsDir is set.
func serveMesh(ctx context.Context, log *slog.Logger, opts meshOptions) error {
	if opts.join == "" {
		return errors.New("--mesh needs --join, the gateway's gossip address (e.g. 127.0.0.1:7946)")
	}
	var key []byte
	if opts.key != "" {
		var err error
		if key, err = discovery.ParseKey(opts.key); err != nil {
			return fmt.Errorf("--gossip-key: %w", err)
		}
	}
	var running []*agent.Instance
	defer func() {
		for _, in := range running {
			in.Close()
		}
	}()
	for _, name := range all.Names() {
		for i := range opts.instances {
			cfg := agent.Config{Subgraph: name, Listen: opts.host + ":0",
				Discovery: discovery.Config{BindAddr: opts.host, Profile: discovery.ProfileLocal,
					Join: strings.Split(opts.join, ","), SecretKey: key}}
			if opts.tlsDir != "" {
				cfg.Cert = filepath.Join(opts.tlsDir, "subgraph-"+name+".pem")
				cfg.Key = filepath.Join(opts.tlsDir, "subgraph-"+name+"-key.pem")
				cfg.Bundle = filepath.Join(opts.tlsDir, identity.BundleFile)
			}
			in, err := agent.Start(ctx, cfg, all.Handlers()[name], log)
			if err != nil {
				return fmt.Errorf("%s instance %d: %w", name, i+1, err)
			}
			running = append(running, in)
		}
	}
	<-ctx.Done()
	log.Info("leaving the mesh")
	return nil
}
