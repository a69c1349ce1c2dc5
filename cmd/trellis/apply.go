package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/auth"
	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/executor/ratelimit"
	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// apply maps the file's sections onto the packages' configs; what the file leaves out keeps
// the package default. The packages' Validate then checks the values.
func (f *fileConfig) apply(cfg *executor.Config) error {
	cfg.Dev = cfg.Dev || f.Dev
	cfg.Dedup = cfg.Dedup || f.Dedup
	if f.Introspection != nil {
		cfg.DisableIntrospection = !*f.Introspection
	}
	if err := f.applyAuth(&cfg.Auth); err != nil {
		return err
	}
	switch f.Authorization.Mode {
	case "", "filter":
	case "reject":
		cfg.Authorization.Reject = true
	default:
		return fmt.Errorf("authorization.mode: %q is not filter or reject", f.Authorization.Mode)
	}
	cfg.Authorization.Policies = f.Authorization.Policies
	f.applyCost(&cfg.Cost)
	f.applyRateLimit(&cfg.RateLimit)
	if err := f.applyPersisted(&cfg.PersistedQueries); err != nil {
		return err
	}
	e := f.EntityCache
	cfg.EntityCache.Types = e.Types
	setPtr(&cfg.EntityCache.MaxBytes, e.MaxBytes)
	cfg.EntityCache.RedisURL = e.RedisURL
	setPtr(&cfg.EntityCache.RedisTimeout, e.RedisTimeout)
	setPtr(&cfg.EntityCache.RedisKeyPrefix, e.RedisKeyPrefix)
	f.applyLimits(cfg)
	cfg.Headers = f.Headers.config()
	_, err := f.telemetry() // checked here, applied by serve, which builds the exporters
	return err
}

func (f *fileConfig) applyAuth(a *auth.Config) error {
	in := f.Auth
	if in == nil {
		return nil
	}
	if len(in.JWKS) == 0 {
		return fmt.Errorf("auth: list the key sources in auth.jwks (- file: PATH or - url: URL); without them authentication would be off")
	}
	for _, s := range in.JWKS {
		a.JWKS = append(a.JWKS, auth.JWKSSource{File: s.File, URL: s.URL, Issuer: s.Issuer})
	}
	setPtr(&a.Header, in.Header)
	setPtr(&a.Scheme, in.Scheme)
	if in.Algorithms != nil {
		a.Algorithms = in.Algorithms
	}
	a.Issuers, a.Audiences = in.Issuers, in.Audiences
	setPtr(&a.RequireExp, in.RequireExp)
	setPtr(&a.ClockSkew, in.ClockSkew)
	setPtr(&a.ScopeClaim, in.ScopeClaim)
	setPtr(&a.Refresh, in.Refresh)
	setPtr(&a.MinRefetchInterval, in.MinRefetchInterval)
	setPtr(&a.FetchTimeout, in.FetchTimeout)
	return nil
}

func (f *fileConfig) applyCost(c *cost.Config) {
	in := f.Cost
	if in.Mode != nil {
		c.Mode = cost.Mode(*in.Mode)
	}
	setPtr(&c.MaxCost, in.MaxCost)
	setPtr(&c.ObjectWeight, in.ObjectWeight)
	setPtr(&c.ScalarWeight, in.ScalarWeight)
	setPtr(&c.EnumWeight, in.EnumWeight)
	setPtr(&c.MutationWeight, in.MutationWeight)
	setPtr(&c.DefaultListSize, in.DefaultListSize)
}

func (f *fileConfig) applyRateLimit(r *executor.RateLimitConfig) {
	in := f.RateLimit
	r.Enabled = in.Enabled
	setPtr(&r.Budgets.Limit, in.Limit)
	setPtr(&r.Budgets.Window, in.Window)
	setPtr(&r.MinCost, in.MinCost)
	setPtr(&r.Budgets.MaxClients, in.MaxClients)
	r.Budgets.Redis.URL = in.Redis.URL
	setPtr(&r.Budgets.Redis.Timeout, in.Redis.Timeout)
	setPtr(&r.Budgets.Redis.Prefix, in.Redis.Prefix)
	setPtr(&r.Budgets.Redis.ProbeInterval, in.Redis.ProbeInterval)
	if in.ClientKey != nil {
		r.ClientKey = in.ClientKey
	}
	setPtr(&r.APIKeyHeader, in.APIKeyHeader)
	r.APIKeys = in.APIKeys
	if len(in.Overrides) > 0 {
		r.Budgets.Overrides = map[string]ratelimit.Budget{}
		for k, b := range in.Overrides {
			r.Budgets.Overrides[k] = ratelimit.Budget{Limit: b.Limit, Window: b.Window}
		}
	}
}

func (f *fileConfig) applyPersisted(p *executor.PersistedQueriesConfig) error {
	in := f.PersistedQueries
	setPtr(&p.APQ, in.APQ)
	setPtr(&p.APQCacheBytes, in.APQCacheBytes)
	if in.TrustedDocuments == "" {
		return nil
	}
	docs, err := readManifest(in.TrustedDocuments)
	if err != nil {
		return fmt.Errorf("persisted_queries.trusted_documents: %w", err)
	}
	p.Trusted = docs
	return nil
}

func (f *fileConfig) applyLimits(cfg *executor.Config) {
	l := f.Limits
	setPtr(&cfg.Limits.MaxDepth, l.MaxDepth)
	setPtr(&cfg.Limits.MaxAliases, l.MaxAliases)
	setPtr(&cfg.Limits.MaxRootFields, l.MaxRootFields)
	setPtr(&cfg.Limits.MaxDirectives, l.MaxDirectives)
	setPtr(&cfg.MaxTokens, l.MaxTokens)
	setPtr(&cfg.SubgraphTimeout, f.Timeouts.Subgraph)
	setPtr(&cfg.RequestTimeout, f.Timeouts.Request)
}

// setIf sets *dst to v unless v is the zero value.
func setIf[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

// setPtr sets *dst to *v when the key was given, zero included.
func setPtr[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// readManifest reads trusted documents: Apollo's persisted query manifest
// ({"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}) or a plain
// object of SHA-256 hash to document. Documents are keyed by the SHA-256 of their text, which
// the gateway checks against the ids given.
func readManifest(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var apollo struct {
		Format     string `json:"format"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(raw, &apollo); err == nil && apollo.Format != "" {
		if apollo.Format != "apollo-persisted-query-manifest" {
			return nil, fmt.Errorf("%s: format %q is not apollo-persisted-query-manifest", path, apollo.Format)
		}
		out := make(map[string]string, len(apollo.Operations))
		for i, op := range apollo.Operations {
			if op.ID == "" || op.Body == "" {
				return nil, fmt.Errorf("%s: operations[%d] needs an id and a body", path, i)
			}
			out[strings.ToLower(op.ID)] = op.Body
		}
		return out, nil
	}
	var plain map[string]string
	if err := json.Unmarshal(raw, &plain); err != nil {
		return nil, fmt.Errorf("%s: neither an Apollo persisted query manifest nor an object of hash to document: %v", path, err)
	}
	return plain, nil
}

// resilienceConfig is the client's config: defaults, then what the file sets.
func (f *fileConfig) resilienceConfig() resilience.Config {
	rc := resilience.DefaultConfig()
	in := f.Resilience
	if in == nil {
		return rc
	}
	rc.Zone = in.Zone
	setPtr(&rc.Timeouts.Default, in.Timeouts.Default)
	setPtr(&rc.Timeouts.PerTry, in.Timeouts.PerTry)
	rc.Timeouts.PerService = in.Timeouts.PerService
	setPtr(&rc.Retry.MaxAttempts, in.Retry.MaxAttempts)
	setPtr(&rc.Retry.BudgetRatio, in.Retry.BudgetRatio)
	setPtr(&rc.Retry.BudgetMinPerSecond, in.Retry.BudgetMinPerSecond)
	setPtr(&rc.Retry.BudgetTTL, in.Retry.BudgetTTL)
	setPtr(&rc.Retry.MaxBodyBytes, in.Retry.MaxBodyBytes)
	b := in.Breaker
	setPtr(&rc.Breaker.ConsecutiveFailures, b.ConsecutiveFailures)
	setPtr(&rc.Breaker.FailureRatio, b.FailureRatio)
	setPtr(&rc.Breaker.MinRequests, b.MinRequests)
	setPtr(&rc.Breaker.Window, b.Window)
	setPtr(&rc.Breaker.BaseEjection, b.BaseEjection)
	setPtr(&rc.Breaker.MaxEjection, b.MaxEjection)
	setPtr(&rc.Breaker.MaxEjectionPercent, b.MaxEjectionPercent)
	setPtr(&rc.Balancer.DefaultRTT, in.Balancer.DefaultRTT)
	setPtr(&rc.Balancer.Decay, in.Balancer.Decay)
	setPtr(&rc.Balancer.FailurePenalty, in.Balancer.FailurePenalty)
	if len(in.Faults) > 0 {
		rc.Faults = map[string]resilience.FaultConfig{}
		for name, fc := range in.Faults {
			rc.Faults[name] = resilience.FaultConfig{DelayPercent: fc.DelayPercent, Delay: fc.Delay,
				AbortPercent: fc.AbortPercent, AbortStatus: fc.AbortStatus}
		}
	}
	return rc
}

// warnUnknownSubgraphs logs the subgraph names of the resilience section the supergraph does
// not have: a typo there silently changes nothing.
func warnUnknownSubgraphs(log *slog.Logger, sg *supergraph.Supergraph, rc resilience.Config) {
	check := func(key, name string) {
		if sg.Graph(name) == nil {
			log.Warn("the configuration names a subgraph the supergraph does not have", "key", key, "subgraph", name)
		}
	}
	for name := range rc.Faults {
		check("resilience.faults", name)
	}
	for name := range rc.Timeouts.PerService {
		check("resilience.timeouts.per_service", name)
	}
}

// telemetry is the telemetry section with its defaults: no traces, metrics at /metrics, text
// logs without a line per request.
func (f *fileConfig) telemetry() (telemetrySettings, error) {
	in := f.Telemetry
	ts := telemetrySettings{exporter: in.Traces.Exporter, endpoint: in.Traces.Endpoint, sampleRatio: 1,
		metrics: true, metricsPath: "/metrics", logFormat: in.Log.Format, requestLog: in.Log.Requests}
	setPtr(&ts.sampleRatio, in.Traces.SampleRatio)
	setPtr(&ts.metrics, in.Metrics.Enabled)
	setIf(&ts.metricsPath, in.Metrics.Path)
	switch ts.exporter {
	case "":
		ts.exporter = "none"
	case "none", "otlp-grpc", "otlp-http":
	default:
		return ts, fmt.Errorf("telemetry.traces.exporter: %q is not none, otlp-grpc or otlp-http", ts.exporter)
	}
	if ts.exporter == "none" && (ts.endpoint != "" || in.Traces.SampleRatio != nil) {
		return ts, errors.New("telemetry.traces: endpoint and sample_ratio need an exporter: set exporter to otlp-grpc or otlp-http")
	}
	if ts.endpoint != "" {
		if u, err := url.Parse(ts.endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return ts, fmt.Errorf("telemetry.traces.endpoint: %q is not a URL like http://collector:4317 (https for TLS)", ts.endpoint)
		}
	}
	if !(ts.sampleRatio >= 0 && ts.sampleRatio <= 1) {
		return ts, fmt.Errorf("telemetry.traces.sample_ratio: %v is not between 0 and 1 (1 samples every trace the client did not decide on)", ts.sampleRatio)
	}
	if p := ts.metricsPath; !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " {}") || p == "/" ||
		p == "/graphql" || p == "/health" || p == "/ready" || strings.HasPrefix(p, "/trellis/") {
		return ts, fmt.Errorf("telemetry.metrics.path: %q must be a path of its own starting with /, e.g. /metrics", p)
	}
	switch ts.logFormat {
	case "":
		ts.logFormat = "text"
	case "text", "json":
	default:
		return ts, fmt.Errorf("telemetry.log.format: %q is not text or json", ts.logFormat)
	}
	return ts, nil
}
