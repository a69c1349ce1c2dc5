package executor

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/trellis-gql/trellis/executor/graphqlhttp"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// Config configures the gateway's request path.
type Config struct {
	// HTTP bounds what a client may send (body size, after decompression).
	HTTP graphqlhttp.Config
	// Dev enables development features: the query plan in extensions.queryPlan when the
	// request sends "Trellis-Include-Query-Plan: true".
	Dev bool
	// MaxTokens bounds the lexical tokens of one operation, so that a huge document is refused
	// by the parser before validation (whose cost grows faster than the document) runs.
	MaxTokens int
	// PlanCacheSize is the number of plans kept (0 disables the plan cache).
	PlanCacheSize int64
	// SubgraphTimeout bounds one subgraph request.
	SubgraphTimeout time.Duration
	// MaxSubgraphResponseBytes bounds one subgraph response body.
	MaxSubgraphResponseBytes int64
	// OverrideLabels are progressive-override labels that are always active. Labels of the
	// form percent(N) are drawn per request and need no entry here.
	OverrideLabels []string
}

// DefaultConfig returns production defaults.
func DefaultConfig() Config {
	return Config{
		HTTP:                     graphqlhttp.DefaultConfig(),
		MaxTokens:                15_000,
		PlanCacheSize:            10_000,
		SubgraphTimeout:          30 * time.Second,
		MaxSubgraphResponseBytes: 64 << 20,
	}
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if err := c.HTTP.Validate(); err != nil {
		return fmt.Errorf("http: %w", err)
	}
	if c.MaxTokens <= 0 {
		return errors.New("max_tokens must be positive, e.g. 15000")
	}
	if c.PlanCacheSize < 0 {
		return errors.New("plan_cache_size must be 0 (off) or positive")
	}
	if c.SubgraphTimeout <= 0 {
		return errors.New("subgraph_timeout must be positive, e.g. 30s")
	}
	if c.MaxSubgraphResponseBytes <= 0 {
		return errors.New("max_subgraph_response_bytes must be positive")
	}
	return nil
}

// Doer sends one HTTP request; *http.Client satisfies it. It must be safe for concurrent use.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Gateway serves GraphQL over HTTP for one supergraph at a time.
type Gateway struct {
	cfg    Config
	client Doer
	log    *slog.Logger
	state  atomic.Pointer[state]
	labels map[string]bool
}

// state is everything that changes together when a new supergraph is loaded.
type state struct {
	sg    *supergraph.Supergraph
	plans *ristretto.Cache[string, *planner.Plan]
}

// New builds a gateway serving sg. client sends subgraph requests (nil: a tuned
// *http.Client); log receives one line per failed request (nil: discard).
func New(cfg Config, sg *supergraph.Supergraph, client Doer, log *slog.Logger) (*Gateway, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if client == nil {
		client = NewHTTPClient()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g := &Gateway{cfg: cfg, client: client, log: log, labels: map[string]bool{}}
	for _, l := range cfg.OverrideLabels {
		g.labels[l] = true
	}
	if err := g.Swap(sg); err != nil {
		return nil, err
	}
	return g, nil
}

// Swap starts serving a new supergraph; requests in flight finish on the old one.
func (g *Gateway) Swap(sg *supergraph.Supergraph) error {
	st := &state{sg: sg}
	if g.cfg.PlanCacheSize > 0 {
		cache, err := ristretto.NewCache(&ristretto.Config[string, *planner.Plan]{
			NumCounters: g.cfg.PlanCacheSize * 10,
			MaxCost:     g.cfg.PlanCacheSize,
			BufferItems: 64,
		})
		if err != nil {
			return fmt.Errorf("plan cache: %w", err)
		}
		st.plans = cache
	}
	if old := g.state.Swap(st); old != nil && old.plans != nil {
		old.plans.Close()
	}
	return nil
}

// Close releases the plan cache. The gateway must not serve requests afterwards.
func (g *Gateway) Close() {
	if st := g.state.Load(); st != nil && st.plans != nil {
		st.plans.Close()
	}
}

// Supergraph returns the supergraph being served.
func (g *Gateway) Supergraph() *supergraph.Supergraph { return g.state.Load().sg }

// NewHTTPClient returns the client used for subgraphs when none is given: keep-alive
// connections sized for a busy gateway (net/http keeps only 2 idle per host by default),
// and no transparent compression, which costs more CPU than it saves on a local network.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		WriteBufferSize:     32 << 10,
		ReadBufferSize:      32 << 10,
	}}
}
