package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/registry"
	"gopkg.in/yaml.v3"
)

// fileConfig is trellis.yaml. Only cmd knows this file: it maps each section onto the Config
// of the package that owns it (see apply). Every key is documented in docs/configuration.md.
// Scalars are pointers: a key given as 0 is a value to validate, not a key left out. Key
// names match those the packages name in their errors.
type fileConfig struct {
	Supergraph       string          `yaml:"supergraph"`
	Listen           string          `yaml:"listen"`
	Dev              bool            `yaml:"dev"`
	Dedup            bool            `yaml:"dedup"`
	Introspection    *bool           `yaml:"introspection"`
	Auth             *authFile       `yaml:"auth"`
	Authorization    authzFile       `yaml:"authorization"`
	Cost             costFile        `yaml:"cost"`
	RateLimit        rateLimitFile   `yaml:"rate_limit"`
	PersistedQueries persistedFile   `yaml:"persisted_queries"`
	EntityCache      entityCacheFile `yaml:"entity_cache"`
	Limits           limitsFile      `yaml:"limits"`
	Timeouts         timeoutsFile    `yaml:"timeouts"`
	Resilience       *resilienceFile `yaml:"resilience"`
	Telemetry        telemetryFile   `yaml:"telemetry"`
	Traffic          trafficFile     `yaml:"traffic"`
	Headers          headersFile     `yaml:"headers"`
}

// telemetryFile says where traces, metrics and logs go (docs/observability.md).
type telemetryFile struct {
	Traces  tracesFile  `yaml:"traces"`
	Metrics metricsFile `yaml:"metrics"`
	Log     logFile     `yaml:"log"`
}

type tracesFile struct {
	Exporter    string   `yaml:"exporter"` // none (default), otlp-grpc or otlp-http
	Endpoint    string   `yaml:"endpoint"`
	SampleRatio *float64 `yaml:"sample_ratio"`
}

type metricsFile struct {
	Enabled *bool  `yaml:"enabled"`
	Path    string `yaml:"path"`
}

type logFile struct {
	Format   string `yaml:"format"` // text (default) or json
	Requests bool   `yaml:"requests"`
}

// resilienceFile turns the resilient client on even without the mesh (breakers, retries and
// faults on the routing URLs) and sets its commonest knobs.
type resilienceFile struct {
	Zone     string               `yaml:"zone"`
	Balancer resilienceBalancer   `yaml:"balancer"`
	Timeouts resilienceTimeouts   `yaml:"timeouts"`
	Retry    resilienceRetry      `yaml:"retry"`
	Breaker  resilienceBreaker    `yaml:"breaker"`
	Faults   map[string]faultFile `yaml:"faults"`
}

type resilienceTimeouts struct {
	Default    *time.Duration           `yaml:"default"`
	PerService map[string]time.Duration `yaml:"per_service"`
	PerTry     *time.Duration           `yaml:"per_try"`
}

type resilienceRetry struct {
	MaxAttempts        *int           `yaml:"max_attempts"`
	BudgetRatio        *float64       `yaml:"budget_ratio"`
	BudgetMinPerSecond *float64       `yaml:"budget_min_per_second"`
	BudgetTTL          *time.Duration `yaml:"budget_ttl"`
	MaxBodyBytes       *int64         `yaml:"max_body_bytes"`
}

type resilienceBreaker struct {
	ConsecutiveFailures *int           `yaml:"consecutive_failures"`
	FailureRatio        *float64       `yaml:"failure_ratio"`
	MinRequests         *int           `yaml:"min_requests"`
	Window              *time.Duration `yaml:"window"`
	BaseEjection        *time.Duration `yaml:"base_ejection"`
	MaxEjection         *time.Duration `yaml:"max_ejection"`
	MaxEjectionPercent  *float64       `yaml:"max_ejection_percent"`
}

type resilienceBalancer struct {
	DefaultRTT     *time.Duration `yaml:"default_rtt"`
	Decay          *time.Duration `yaml:"decay"`
	FailurePenalty *time.Duration `yaml:"failure_penalty"`
}

type faultFile struct {
	DelayPercent float64       `yaml:"delay_percent"`
	Delay        time.Duration `yaml:"delay"`
	AbortPercent float64       `yaml:"abort_percent"`
	AbortStatus  int           `yaml:"abort_status"`
}

type authFile struct {
	Header             *string        `yaml:"header"`
	Scheme             *string        `yaml:"scheme"`
	JWKS               []jwksFile     `yaml:"jwks"`
	Algorithms         []string       `yaml:"algorithms"`
	Issuers            []string       `yaml:"issuers"`
	Audiences          []string       `yaml:"audiences"`
	RequireExp         *bool          `yaml:"require_exp"`
	ClockSkew          *time.Duration `yaml:"clock_skew"`
	ScopeClaim         *string        `yaml:"scope_claim"`
	Refresh            *time.Duration `yaml:"refresh"`
	MinRefetchInterval *time.Duration `yaml:"min_refetch_interval"`
	FetchTimeout       *time.Duration `yaml:"fetch_timeout"`
}

type jwksFile struct {
	File   string `yaml:"file"`
	URL    string `yaml:"url"`
	Issuer string `yaml:"issuer"`
}

type authzFile struct {
	Mode     string            `yaml:"mode"` // filter (default) or reject
	Policies map[string]string `yaml:"policies"`
}

type costFile struct {
	Mode            *string  `yaml:"mode"`
	MaxCost         *float64 `yaml:"max_cost"`
	ObjectWeight    *float64 `yaml:"object_weight"`
	ScalarWeight    *float64 `yaml:"scalar_weight"`
	EnumWeight      *float64 `yaml:"enum_weight"`
	MutationWeight  *float64 `yaml:"mutation_weight"`
	DefaultListSize *int     `yaml:"default_list_size"`
}

type rateLimitFile struct {
	Enabled      bool                  `yaml:"enabled"`
	Limit        *float64              `yaml:"limit"`
	Window       *time.Duration        `yaml:"window"`
	MinCost      *float64              `yaml:"min_cost"`
	ClientKey    []string              `yaml:"client_key"`
	APIKeyHeader *string               `yaml:"api_key_header"`
	APIKeys      []string              `yaml:"api_keys"`
	Overrides    map[string]budgetFile `yaml:"overrides"`
	MaxClients   *int                  `yaml:"max_clients"`
	Redis        redisFile             `yaml:"redis"`
}

type redisFile struct {
	URL           string         `yaml:"url"`
	Timeout       *time.Duration `yaml:"timeout"`
	Prefix        *string        `yaml:"prefix"`
	ProbeInterval *time.Duration `yaml:"probe_interval"`
}

type budgetFile struct {
	Limit  float64       `yaml:"limit"`
	Window time.Duration `yaml:"window"`
}

type persistedFile struct {
	APQ              *bool  `yaml:"apq"`
	APQCacheBytes    *int64 `yaml:"apq_cache_bytes"`
	TrustedDocuments string `yaml:"trusted_documents"`
}

type entityCacheFile struct {
	Types          map[string]time.Duration `yaml:"types"`
	MaxBytes       *int64                   `yaml:"max_bytes"`
	RedisURL       string                   `yaml:"redis_url"`
	RedisTimeout   *time.Duration           `yaml:"redis_timeout"`
	RedisKeyPrefix *string                  `yaml:"redis_key_prefix"`
}

type limitsFile struct {
	MaxDepth      *int `yaml:"max_depth"`
	MaxAliases    *int `yaml:"max_aliases"`
	MaxRootFields *int `yaml:"max_root_fields"`
	MaxDirectives *int `yaml:"max_directives"`
	MaxTokens     *int `yaml:"max_tokens"`
}

type timeoutsFile struct {
	Subgraph *time.Duration `yaml:"subgraph"`
	Request  *time.Duration `yaml:"request"`
}

// readConfig reads and checks a configuration file. Unknown keys are refused with their
// line and the closest known key; values of the wrong type name their line too.
func readConfig(path string) (*fileConfig, error) { return loadConfig(path, nil, nil) }

// loadConfig reads the file at path (none when path is empty) laid over base (a central
// policy's mapping, see mergeUnder; nil for none), with the environment overrides of environ
// (see applyEnv) on top. base must have been checked on its own (loadPolicy): the errors here
// name the file.
func loadConfig(path string, environ []string, base *yaml.Node) (*fileConfig, error) {
	var root yaml.Node
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if err := yaml.Unmarshal(raw, &root); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	cfg := &fileConfig{}
	if len(root.Content) == 0 {
		root.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}} // an empty file: every default
	}
	if root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: the configuration is a mapping of sections (auth:, cost:, ...)", path)
	}
	if errs := plainKeys(root.Content[0], false); len(errs) > 0 {
		return nil, prefixErrors(path, errs)
	}
	doc := mergeUnder(base, root.Content[0])
	if err := applyEnv(doc, environ); err != nil {
		return nil, err
	}
	if errs := checkKeys(doc, reflect.TypeOf(*cfg), ""); len(errs) > 0 {
		for i, e := range errs {
			errs[i] = fmt.Errorf("%s:%w", path, e)
		}
		return nil, errors.Join(errs...)
	}
	if err := doc.Decode(cfg); err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
	}
	cfg.resolvePaths(filepath.Dir(path))
	return cfg, nil
}

// resolvePaths makes the file names in the configuration relative to its own folder, so
// that the gateway finds them whatever its working directory.
func (f *fileConfig) resolvePaths(dir string) {
	rel := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	rel(&f.Supergraph)
	rel(&f.PersistedQueries.TrustedDocuments)
	if f.Auth != nil {
		for i := range f.Auth.JWKS {
			rel(&f.Auth.JWKS[i].File)
		}
	}
}

// checkKeys walks a YAML mapping along the Go type it decodes into and reports every key
// that type does not have.
func checkKeys(n *yaml.Node, t reflect.Type, where string) []error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode {
			var errs []error
			for i, item := range n.Content {
				errs = append(errs, checkKeys(item, t.Elem(), fmt.Sprintf("%s[%d]", where, i))...)
			}
			return errs
		}
		t = t.Elem()
	}
	if n.Kind != yaml.MappingNode {
		return nil // a type mismatch: Decode reports it with its line
	}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(where, k.Value)
		switch t.Kind() {
		case reflect.Map:
			errs = append(errs, checkKeys(v, t.Elem(), key)...)
		case reflect.Struct:
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				errs = append(errs, fmt.Errorf("%d:%d: unknown key %q%s", k.Line, k.Column, key, suggest(t, k.Value)))
				continue
			}
			errs = append(errs, checkKeys(v, f.Type, key)...)
		}
	}
	return errs
}

func join(where, key string) string {
	if where == "" {
		return key
	}
	return where + "." + key
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag == name && tag != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// suggest names the closest known key, or lists the known keys.
func suggest(t reflect.Type, got string) string {
	var known []string
	best, bestDist := "", 3
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		known = append(known, tag)
		if d := levenshtein.ComputeDistance(got, tag); d < bestDist {
			best, bestDist = tag, d
		}
	}
	if best != "" {
		return fmt.Sprintf(": did you mean %q?", best)
	}
	slices.Sort(known)
	return fmt.Sprintf(" (known keys here: %s)", strings.Join(known, ", "))
}

// configure reads the configuration file (path may be empty) and the TRELLIS_ environment
// overrides onto cfg, and validates the result; errors name the file (or "environment").
func configure(path string, environ []string, cfg *executor.Config) (*fileConfig, error) {
	return configureWith(path, environ, cfg, nil)
}

// configureWith is configure with a central policy (nil: none) under the file: built-in
// defaults, then the policy, then the file, then the environment (docs/central-policy.md).
// The policy is checked on its own first, so that its errors name its version and lines.
func configureWith(path string, environ []string, cfg *executor.Config, pol *registry.PolicyVersion) (*fileConfig, error) {
	where := path
	if where == "" {
		where = "environment"
	}
	var base *yaml.Node
	if pol != nil {
		name := policyName(pol)
		var err error
		if base, err = loadPolicy(name, pol.Document); err != nil {
			return nil, err
		}
		where += " with " + name
	}
	file, err := loadConfig(path, environ, base)
	if err != nil {
		return nil, err
	}
	if err := file.check(where, cfg); err != nil {
		return nil, err
	}
	return file, nil
}

// check applies the file onto cfg and runs every package's validation; errors name where.
func (f *fileConfig) check(where string, cfg *executor.Config) error {
	if err := f.apply(cfg); err != nil {
		return f.locate(where, err)
	}
	if err := cfg.Validate(); err != nil {
		return f.locate(where, err)
	}
	if err := f.resilienceConfig().Validate(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if _, err := f.traffic(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}
