package executor

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/trellis-gql/trellis/executor/auth"
	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/executor/graphqlhttp"
	"github.com/trellis-gql/trellis/executor/headers"
	"github.com/trellis-gql/trellis/executor/policy"
	"github.com/trellis-gql/trellis/executor/ratelimit"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
	"golang.org/x/sync/singleflight"
)

// Config configures the gateway's request path.
type Config struct {
	// HTTP bounds what a client may send (body size, after decompression).
	HTTP graphqlhttp.Config
	// Dev enables development features: the query plan in extensions.queryPlan when the
	// request sends "Trellis-Include-Query-Plan: true".
	Dev bool
	// Limits bounds the depth, aliases, root fields and directives of an operation.
	Limits Limits
	// DisableIntrospection refuses operations that select __schema or __type (__typename
	// stays): production graphs often hide their schema from clients. The playground needs
	// introspection.
	DisableIntrospection bool
	// MaxTokens bounds the lexical tokens of one operation, so that a huge document is refused
	// by the parser before validation (whose cost grows faster than the document) runs.
	MaxTokens int
	// PlanCacheSize is the number of plans kept (0 disables the plan cache).
	PlanCacheSize int64
	// DocumentCacheBytes bounds the cache of parsed and validated query texts and of their
	// normalized operations, by the size of the texts (0 disables it).
	DocumentCacheBytes int64
	// TreePlans emits each fetch right after the fetches it needs (lower latency when
	// subgraphs are slow) instead of waves that batch entity fetches per subgraph (fewer
	// requests, the default).
	TreePlans bool
	// Dedup lets identical concurrent queries (same operation, variables, and authorization
	// headers) share one execution. Mutations never share.
	Dedup bool
	// SubgraphTimeout bounds one subgraph request.
	SubgraphTimeout time.Duration
	// RequestTimeout bounds the execution of one operation, all its fetches included.
	RequestTimeout time.Duration
	// MaxResponseBytes bounds the response written for one operation: entities merged into
	// many places can make a small query's answer huge. Past it the request fails.
	MaxResponseBytes int
	// MaxSubgraphResponseBytes bounds one subgraph response body.
	MaxSubgraphResponseBytes int64
	// Auth verifies JWTs; it is on when Auth.JWKS lists a key source.
	Auth auth.Config
	// Authorization enforces the supergraph's @authenticated, @requiresScopes and @policy.
	Authorization AuthorizationConfig
	// Cost estimates each operation's cost (IBM cost spec, @cost and @listSize), reports it
	// in extensions.cost and refuses operations over the limit in enforce mode.
	Cost cost.Config
	// RateLimit meters each client's operations by their estimated cost.
	RateLimit RateLimitConfig
	// PersistedQueries configures APQ and trusted documents.
	PersistedQueries PersistedQueriesConfig
	// EntityCache caches _entities results of the types it names.
	EntityCache EntityCacheConfig
	// OverrideLabels are progressive-override labels that are always active. Labels of the
	// form percent(N) are drawn per request and need no entry here.
	OverrideLabels []string
	// Telemetry sends spans, metrics and a log line per request where it says; the zero
	// value records nothing.
	Telemetry TelemetryConfig
	// Headers says which client headers reach each subgraph and which subgraph response
	// headers reach the client; the zero value passes none either way. Claims need Auth.
	Headers headers.Config
}

// DefaultConfig returns production defaults.
func DefaultConfig() Config {
	return Config{
		HTTP:                     graphqlhttp.DefaultConfig(),
		MaxTokens:                15_000,
		Limits:                   DefaultLimits(),
		PlanCacheSize:            10_000,
		DocumentCacheBytes:       32 << 20,
		SubgraphTimeout:          30 * time.Second,
		RequestTimeout:           60 * time.Second,
		MaxResponseBytes:         64 << 20,
		MaxSubgraphResponseBytes: 16 << 20,
		Auth:                     auth.DefaultConfig(),
		PersistedQueries:         DefaultPersistedQueriesConfig(),
		Cost:                     cost.DefaultConfig(),
		RateLimit:                DefaultRateLimitConfig(),
	}
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if err := c.HTTP.Validate(); err != nil {
		return fmt.Errorf("http: %w", err)
	}
	if c.Limits.MaxDepth < 0 || c.Limits.MaxAliases < 0 || c.Limits.MaxRootFields < 0 || c.Limits.MaxDirectives < 0 {
		return errors.New("limits must be 0 (off) or positive")
	}
	if c.MaxTokens <= 0 {
		return errors.New("max_tokens must be positive, e.g. 15000")
	}
	if c.PlanCacheSize < 0 {
		return errors.New("plan_cache_size must be 0 (off) or positive")
	}
	if c.DocumentCacheBytes < 0 {
		return errors.New("document_cache_bytes must be 0 (off) or positive")
	}
	if c.SubgraphTimeout <= 0 {
		return errors.New("subgraph_timeout must be positive, e.g. 30s")
	}
	if c.RequestTimeout <= 0 {
		return errors.New("request_timeout must be positive, e.g. 60s")
	}
	if c.MaxResponseBytes <= 0 {
		return errors.New("max_response_bytes must be positive")
	}
	if c.MaxSubgraphResponseBytes <= 0 {
		return errors.New("max_subgraph_response_bytes must be positive")
	}
	if len(c.Auth.JWKS) > 0 {
		if err := c.Auth.Validate(); err != nil {
			return err
		}
	}
	if err := c.Authorization.Validate(); err != nil {
		return err
	}
	if err := c.Cost.Validate(); err != nil {
		return err
	}
	if err := c.RateLimit.Validate(); err != nil {
		return err
	}
	if err := c.EntityCache.Validate(); err != nil {
		return err
	}
	if err := c.Headers.Validate(); err != nil {
		return fmt.Errorf("headers.%w", err)
	}
	if re := c.Headers.ClaimRule(); re != nil && len(c.Auth.JWKS) == 0 {
		return fmt.Errorf("headers.%w", re)
	}
	return c.PersistedQueries.Validate()
}

// Doer sends one HTTP request; *http.Client satisfies it. It must be safe for concurrent use.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Gateway serves GraphQL over HTTP for one supergraph at a time.
type Gateway struct {
	cfg    Config
	client Doer
	// targets is set when subgraph requests carry a resilience.Target (a client given to
	// New); the default client has no use for it.
	targets   bool
	log       *slog.Logger
	state     atomic.Pointer[state]
	labels    map[string]bool
	inflight  singleflight.Group  // identical queries in flight, when Config.Dedup is set
	entities  *entityCache        // nil unless Config.EntityCache names types
	auth      *auth.Authenticator // nil unless Config.Auth lists key sources
	policies  map[string]*policy.Rule
	persisted *persisted
	limiter   *ratelimit.Limiter // nil unless Config.RateLimit.Enabled
	apiKeys   map[string]bool    // Config.RateLimit.APIKeys
	// policiesReadVolatile is set when a policy reads a claim the scope key leaves out.
	policiesReadVolatile bool
	caches               gatewayCaches
	tel                  *telemetry // nil unless Config.Telemetry records something
	headers              *headers.Rules
}

// state is everything that changes together when a new supergraph is loaded.
type state struct {
	sg    *supergraph.Supergraph
	plans *cache[*planner.Plan]
	docs  *cache[*document]
	ops   *cache[*planner.Operation]
	cost  *cost.Calculator // nil when neither cost analysis nor rate limiting is on
	// estimates caches, beside the plans, the estimates that do not depend on variables.
	estimates *cache[cost.Estimate]
}

// New builds a gateway serving sg. client sends subgraph requests (nil: NewHTTPClient); log
// receives one line per failed subgraph request (nil: discard).
func New(cfg Config, sg *supergraph.Supergraph, client Doer, log *slog.Logger) (*Gateway, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// A client given by the caller may be a resilience.Client, which reads each request's
	// target from its context; the gateway's own client does not.
	targets := client != nil
	if client == nil {
		client = NewHTTPClient()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g := &Gateway{cfg: cfg, client: client, targets: targets, log: log, labels: map[string]bool{}}
	for _, l := range cfg.OverrideLabels {
		g.labels[l] = true
	}
	if err := g.start(); err != nil {
		g.Close()
		return nil, err
	}
	if err := g.Swap(sg); err != nil {
		g.Close()
		return nil, err
	}
	return g, nil
}

// start builds the request policies and caches that outlive a supergraph.
func (g *Gateway) start() error {
	var err error
	if g.entities, err = newEntityCache(g.cfg.EntityCache); err != nil {
		return fmt.Errorf("entity cache: %w", err)
	}
	if g.policies, err = g.cfg.Authorization.compile(); err != nil {
		return err
	}
	for _, r := range g.policies {
		for _, c := range r.Claims() {
			g.policiesReadVolatile = g.policiesReadVolatile || c == "exp" || c == "iat" || c == "nbf" || c == "jti"
		}
	}
	if g.headers, err = headers.New(g.cfg.Headers); err != nil {
		return fmt.Errorf("headers.%w", err)
	}
	if g.persisted, err = newPersisted(g.cfg.PersistedQueries, &g.caches.apq); err != nil {
		return fmt.Errorf("persisted queries: %w", err)
	}
	g.apiKeys = map[string]bool{}
	for _, k := range g.cfg.RateLimit.APIKeys {
		g.apiKeys[k] = true
	}
	if g.tel, err = newTelemetry(g.cfg.Telemetry, g); err != nil {
		return err
	}
	if g.cfg.RateLimit.Enabled {
		if g.limiter, err = newLimiter(g.cfg.RateLimit, g.log); err != nil {
			return fmt.Errorf("rate limit: %w", err)
		}
	}
	if len(g.cfg.Auth.JWKS) > 0 {
		if len(g.cfg.Auth.Issuers) == 0 && !slices.ContainsFunc(g.cfg.Auth.JWKS, func(s auth.JWKSSource) bool { return s.Issuer != "" }) {
			g.log.Warn("auth: no issuer configured: any token the keys signed is accepted, whoever it was issued to; set auth.issuers")
		}
		if g.auth, err = auth.New(g.cfg.Auth, &http.Client{}, g.log); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	return nil
}

// Swap starts serving a new supergraph; requests in flight finish on the old one.
func (g *Gateway) Swap(sg *supergraph.Supergraph) error {
	for _, name := range sg.Policies() {
		if g.policies[name] == nil {
			g.log.Warn("the supergraph names a policy the configuration does not define: fields that require it are denied to everyone",
				"policy", name)
		}
	}
	for name := range g.cfg.EntityCache.Types {
		if t := sg.Types[name]; t == nil || len(t.In) == 0 {
			g.log.Warn("entity_cache.types names a type the supergraph does not have: nothing is cached for it", "type", name)
		}
	}
	for name := range g.cfg.Headers.Subgraphs {
		if sg.Graph(name) == nil {
			g.log.Warn("headers.subgraphs names a subgraph the supergraph does not have: its rules apply to nothing", "subgraph", name)
		}
	}
	st := &state{sg: sg}
	if err := g.newCalculator(st); err != nil {
		return err
	}
	var err error
	if g.cfg.PlanCacheSize > 0 {
		if st.plans, err = newCache[*planner.Plan](g.cfg.PlanCacheSize*10, g.cfg.PlanCacheSize, &g.caches.plans); err != nil {
			return fmt.Errorf("plan cache: %w", err)
		}
		if st.cost != nil {
			if st.estimates, err = newCache[cost.Estimate](g.cfg.PlanCacheSize*10, g.cfg.PlanCacheSize, &g.caches.estimates); err != nil {
				return fmt.Errorf("cost cache: %w", err)
			}
		}
	}
	if g.cfg.DocumentCacheBytes > 0 {
		// Counters sized for documents of about 1 KiB on average.
		counters := max(g.cfg.DocumentCacheBytes/100, 1000)
		if st.docs, err = newCache[*document](counters, g.cfg.DocumentCacheBytes, &g.caches.documents); err != nil {
			return fmt.Errorf("document cache: %w", err)
		}
		if st.ops, err = newCache[*planner.Operation](counters, g.cfg.DocumentCacheBytes, &g.caches.operations); err != nil {
			return fmt.Errorf("operation cache: %w", err)
		}
	}
	if old := g.state.Swap(st); old != nil {
		old.close()
	}
	return nil
}

func (st *state) close() {
	if st.plans != nil {
		st.plans.Close()
	}
	if st.docs != nil {
		st.docs.Close()
	}
	if st.ops != nil {
		st.ops.Close()
	}
	if st.estimates != nil {
		st.estimates.Close()
	}
}

// DetachTelemetry stops reporting this gateway's cache metrics, for a gateway replaced by
// another (a configuration reload) that still finishes its requests in flight.
func (g *Gateway) DetachTelemetry() { g.tel.close() }

// Close releases the plan cache. The gateway must not serve requests afterwards.
func (g *Gateway) Close() {
	if st := g.state.Load(); st != nil {
		st.close()
	}
	if g.entities != nil {
		g.entities.Close()
	}
	if g.auth != nil {
		g.auth.Close()
	}
	if g.persisted != nil {
		g.persisted.close()
	}
	if g.limiter != nil {
		g.limiter.Close()
	}
	g.tel.close()
}

// Supergraph returns the supergraph being served.
func (g *Gateway) Supergraph() *supergraph.Supergraph { return g.state.Load().sg }
