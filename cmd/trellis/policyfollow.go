package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"reflect"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/registry"
)

// How a gateway following a registry takes its central policy: the version published when it
// starts, then each new one, applied like a change of the configuration file (a whole new
// gateway swapped in; refused with a log line when the policy and the local file do not make
// a valid configuration together). docs/central-policy.md.

// configure is configure with the policy the gateway runs with under the file; s nil (no
// registry) is plain configure.
func (s *registrySource) configure(path string, environ []string, cfg *executor.Config) (*fileConfig, error) {
	var pv *registry.PolicyVersion
	if s != nil {
		pv = s.policy.Load()
	}
	return configureWith(path, environ, cfg, pv)
}

// startPolicy takes the registry's policy now, unchecked (withPolicy checks it against the
// file). A registry in this process whose store cannot be read is an error; a remote registry
// that cannot be reached is logged, and its policy taken when it can be.
func (s *registrySource) startPolicy(ctx context.Context, log *slog.Logger) error {
	pv, err := s.latestPolicy(ctx)
	switch {
	case err != nil && s.reg != nil:
		return fmt.Errorf("--registry: reading the policy: %w", err)
	case err != nil:
		log.Warn(followedPolicy.unreadable, "registry", s.where, "error", err.Error())
		return nil
	case pv != nil:
		s.firstPolicy, s.firstPolicyHash = pv.Version, pv.Hash
		s.policy.Store(pv)
	}
	return nil
}

// withPolicy is the configuration at start: file (the local one, already checked) with the
// policy taken at start under it. Without a policy, or when the two together are refused
// (logged; the policy is then dropped until the next version), it is file.
func (s *registrySource) withPolicy(path string, file *fileConfig, log *slog.Logger) *fileConfig {
	if s == nil {
		return file
	}
	pv := s.policy.Load()
	if pv == nil {
		log.Info("no registry policy: the local configuration only", "registry", s.where)
		return file
	}
	c := executor.DefaultConfig()
	f, err := configureWith(path, os.Environ(), &c, pv)
	if err != nil {
		log.Error(followedPolicy.refused, "version", pv.Version, "error", err.Error())
		s.policy.Store(nil)
		return file
	}
	_, _, _, attrs := describe(pv)
	log.Info(followedPolicy.loaded, append([]any{"version", pv.Version}, attrs...)...)
	return f
}

func (s *registrySource) latestPolicy(ctx context.Context) (*registry.PolicyVersion, error) {
	if s.reg != nil {
		return s.reg.Policy(ctx)
	}
	return s.client.PolicyAfter(ctx, 0, 0)
}

// nextPolicy waits for a policy newer than after; it may return an older one (or nil) when
// the wait ends without one.
func (s *registrySource) nextPolicy(ctx context.Context, after int64) (*registry.PolicyVersion, error) {
	if s.reg != nil {
		return s.reg.WaitPolicy(ctx, after)
	}
	return s.client.PolicyAfter(ctx, after, pollWait)
}

// followPolicy applies each new policy of the registry until ctx ends. started is the
// configuration the gateway started with (its resilience section is not rebuilt).
func (s *registrySource) followPolicy(ctx context.Context, reload *reloader, started *fileConfig, log *slog.Logger) {
	f := &followerOf[*registry.PolicyVersion]{next: s.nextPolicy, log: log, where: s.where, after: s.firstPolicy, hash: s.firstPolicyHash,
		apply: func(pv *registry.PolicyVersion) error { return s.applyPolicy(reload, started, pv, log) }}
	f.run(ctx)
}

// applyPolicy checks pv under the local file and swaps in a gateway built with it; on error
// the running gateway and policy are kept.
func (s *registrySource) applyPolicy(reload *reloader, started *fileConfig, pv *registry.PolicyVersion, log *slog.Logger) error {
	c := executor.DefaultConfig()
	f, err := configureWith(reload.path, os.Environ(), &c, pv)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(f.Resilience, started.Resilience) {
		log.Warn("the registry policy changes the resilience section: the client to the subgraphs takes it at the next restart, as it does a change of the file's",
			"version", pv.Version)
	}
	return reload.rebuildWith(policyName(pv), func() func() {
		old := s.policy.Swap(pv)
		return func() { s.policy.Store(old) }
	})
}
