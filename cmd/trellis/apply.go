package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/auth"
	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/executor/ratelimit"
)

// apply maps the file's sections onto the packages' configs; what the file leaves out keeps
// the package default.
func (f *fileConfig) apply(cfg *executor.Config) error {
	cfg.Dev = cfg.Dev || f.Dev
	cfg.Dedup = cfg.Dedup || f.Dedup
	f.applyAuth(&cfg.Auth)
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
	cfg.EntityCache.Types = f.EntityCache.Types
	setIf(&cfg.EntityCache.MaxBytes, f.EntityCache.MaxBytes)
	cfg.EntityCache.RedisURL = f.EntityCache.Redis
	f.applyLimits(cfg)
	return nil
}

func (f *fileConfig) applyAuth(a *auth.Config) {
	in := f.Auth
	for _, s := range in.JWKS {
		a.JWKS = append(a.JWKS, auth.JWKSSource{File: s.File, URL: s.URL})
	}
	setIf(&a.Header, in.Header)
	if in.Scheme != nil {
		a.Scheme = *in.Scheme
	}
	if in.Algorithms != nil {
		a.Algorithms = in.Algorithms
	}
	a.Issuers, a.Audiences = in.Issuers, in.Audiences
	if in.RequireExp != nil {
		a.RequireExp = *in.RequireExp
	}
	if in.ClockSkew != nil {
		a.ClockSkew = *in.ClockSkew
	}
	setIf(&a.ScopeClaim, in.ScopeClaim)
	setIf(&a.Refresh, in.Refresh)
}

func (f *fileConfig) applyCost(c *cost.Config) {
	in := f.Cost
	if in.Mode != "" {
		c.Mode = cost.Mode(in.Mode)
	}
	setIf(&c.MaxCost, in.MaxCost)
	setPtr(&c.ObjectWeight, in.ObjectWeight)
	setPtr(&c.ScalarWeight, in.ScalarWeight)
	setPtr(&c.EnumWeight, in.EnumWeight)
	setPtr(&c.MutationWeight, in.MutationWeight)
	setIf(&c.DefaultListSize, in.DefaultListSize)
}

func (f *fileConfig) applyRateLimit(r *executor.RateLimitConfig) {
	in := f.RateLimit
	r.Enabled = in.Enabled
	setIf(&r.Budgets.Limit, in.Limit)
	setIf(&r.Budgets.Window, in.Window)
	setIf(&r.Budgets.MaxClients, in.MaxClients)
	setIf(&r.Budgets.Redis.Timeout, in.RedisTimeout)
	r.Budgets.Redis.URL = in.Redis
	if in.ClientKey != nil {
		r.ClientKey = in.ClientKey
	}
	setIf(&r.APIKeyHeader, in.APIKeyHeader)
	if len(in.Overrides) > 0 {
		r.Budgets.Overrides = map[string]ratelimit.Budget{}
		for k, b := range in.Overrides {
			r.Budgets.Overrides[k] = ratelimit.Budget{Limit: b.Limit, Window: b.Window}
		}
	}
}

func (f *fileConfig) applyPersisted(p *executor.PersistedQueriesConfig) error {
	in := f.PersistedQueries
	if in.APQ != nil {
		p.APQ = *in.APQ
	}
	setIf(&p.APQCacheBytes, in.APQCacheBytes)
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
	setIf(&cfg.MaxTokens, l.MaxTokens)
	setIf(&cfg.SubgraphTimeout, f.Timeouts.Subgraph)
	setIf(&cfg.RequestTimeout, f.Timeouts.Request)
}

// setIf sets *dst to v unless v is the zero value (the key was left out).
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
