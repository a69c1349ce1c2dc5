package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trellis-gql/trellis/discovery"
	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/resilience/identity"
)

// meshFlags are the flags of a member of the mesh, shared by serve and agent.
type meshFlags struct {
	join, bind, key, node, zone, profile string
	cert, keyFile, bundle                string
}

func (m *meshFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.join, "join", "", "gossip seeds to join, host:port[,host:port...] (e.g. 127.0.0.1:7946)")
	fs.StringVar(&m.bind, "gossip-bind", "", "address for gossip, host:port (default 127.0.0.1:7946 for serve, any free port for agent)")
	fs.StringVar(&m.key, "gossip-key", "", "gossip encryption key, base64 of 16, 24 or 32 bytes (or $TRELLIS_GOSSIP_KEY; never a default: flag errors print defaults)")
	fs.StringVar(&m.node, "node-name", "", "this member's unique name in the cluster (default: host name and a random suffix)")
	fs.StringVar(&m.zone, "zone", "", "this member's zone, for zone-aware balancing")
	fs.StringVar(&m.profile, "gossip-profile", "lan", "gossip timings: lan, or local (faster failure detection on one host)")
	fs.StringVar(&m.cert, "tls-cert", "", "this member's SPIFFE certificate (trellis ca issue)")
	fs.StringVar(&m.keyFile, "tls-key", "", "its private key")
	fs.StringVar(&m.bundle, "tls-bundle", "", "the trust bundle (the CA folder's bundle.pem)")
}

// on reports whether the flags ask for the mesh.
func (m *meshFlags) on() bool { return m.join != "" || m.bind != "" || m.cert != "" }

// check reads the key from the environment when no flag gave it, and refuses mesh flags that
// would otherwise be ignored (a key or bundle without the mesh leaves the gateway in clear).
func (m *meshFlags) check() error {
	if m.key == "" {
		m.key = os.Getenv("TRELLIS_GOSSIP_KEY")
	}
	if _, err := m.tlsFiles(); err != nil {
		return err
	}
	if !m.on() && (m.keyFile != "" || m.bundle != "" || m.node != "" || m.zone != "" || m.key != "" && os.Getenv("TRELLIS_GOSSIP_KEY") == "") {
		return fmt.Errorf("--gossip-key, --node-name, --zone, --tls-key and --tls-bundle need the mesh: add --join, --gossip-bind or --tls-cert")
	}
	return nil
}

// discovery builds the gossip config; defaultPort applies when --gossip-bind has none.
func (m *meshFlags) discovery(self discovery.Instance, defaultPort int, log *slog.Logger) (discovery.Config, error) {
	cfg := discovery.Config{BindAddr: "127.0.0.1", BindPort: defaultPort, NodeName: m.node,
		Profile: discovery.Profile(m.profile), Self: self, Log: log}
	if m.bind != "" {
		host, port, err := net.SplitHostPort(m.bind)
		if err != nil {
			return cfg, fmt.Errorf("--gossip-bind: %w (want host:port)", err)
		}
		cfg.BindAddr = host
		if cfg.BindPort, err = strconv.Atoi(port); err != nil {
			return cfg, fmt.Errorf("--gossip-bind: port %q is not a number", port)
		}
	}
	if m.join != "" {
		cfg.Join = strings.Split(m.join, ",")
	}
	if m.key != "" {
		key, err := discovery.ParseKey(m.key)
		if err != nil {
			return cfg, fmt.Errorf("--gossip-key: %w", err)
		}
		cfg.SecretKey = key
	}
	return cfg, nil // Join validates, with Self filled in
}

// tlsFiles reports whether the identity flags are complete, or what is missing.
func (m *meshFlags) tlsFiles() (bool, error) {
	given := 0
	for _, f := range []string{m.cert, m.keyFile, m.bundle} {
		if f != "" {
			given++
		}
	}
	switch given {
	case 0:
		return false, nil
	case 3:
		return true, nil
	}
	return false, fmt.Errorf("--tls-cert, --tls-key and --tls-bundle go together")
}

// gatewayMesh is the gateway's side of the mesh: its membership and its client.
type gatewayMesh struct {
	member *discovery.Member
	src    *identity.Source
	client *resilience.Client
}

// startGatewayMesh joins the cluster as a gateway and builds the client that routes each
// subgraph's fetches to its live instances, over mTLS when the identity flags are given.
func startGatewayMesh(ctx context.Context, m *meshFlags, rc resilience.Config, log *slog.Logger) (*gatewayMesh, error) {
	g := &gatewayMesh{}
	withTLS, err := m.tlsFiles()
	if err != nil {
		return nil, err
	}
	var transport func(string) http.RoundTripper // nil: plain HTTP, the client's shared transport
	refused := &refusals{until: map[string]time.Time{}}
	if withTLS {
		if g.src, err = identity.NewSource(m.cert, m.keyFile, m.bundle, log); err != nil {
			return nil, err
		}
		if id := g.src.ID(); id.Kind != identity.KindGateway {
			g.close()
			return nil, fmt.Errorf("--tls-cert proves %s; a gateway proves spiffe://%s/gateway/NAME (trellis ca issue --gateway NAME)", id, id.TrustDomain)
		}
		var mu sync.Mutex
		transports := map[string]http.RoundTripper{} // one per subgraph: each checks its identity
		transport = func(service string) http.RoundTripper {
			mu.Lock()
			defer mu.Unlock()
			if t, ok := transports[service]; ok {
				return t
			}
			expect, err := identity.NewID(g.src.ID().TrustDomain, identity.KindSubgraph, service)
			if err != nil {
				return refusing{err}
			}
			t := &mtlsOnly{rt: identity.NewTransport(g.src, expect), service: service, refused: refused, log: log}
			transports[service] = t
			return t
		}
	}
	dc, err := m.discovery(discovery.Instance{Role: discovery.RoleGateway, Zone: m.zone}, discovery.DefaultPort, log)
	if err != nil {
		g.close()
		return nil, err
	}
	if g.member, err = discovery.Join(ctx, dc); err != nil {
		g.close()
		return nil, err
	}
	if m.zone != "" {
		rc.Zone = m.zone
	}
	resolver := &memberResolver{m: g.member, refused: refused, httpsOnly: withTLS, log: log}
	if g.client, err = resilience.New(rc, resolver, transport, log); err != nil {
		g.close()
		return nil, err
	}
	log.Info("gateway in the mesh", "gossip", g.member.Addr(), "node", g.member.Self().Node, "mtls", withTLS)
	return g, nil
}

func (g *gatewayMesh) close() {
	if g.member != nil {
		g.member.Leave(discoveryLeave)
		g.member.Close()
	}
	if g.client != nil {
		g.client.Close()
	}
	if g.src != nil {
		g.src.Close()
	}
}

// discoveryLeave bounds the goodbye to the cluster when a member stops.
const discoveryLeave = 2 * time.Second

// memberResolver gives the resilience client the live instances gossip knows of. With mTLS
// it leaves out instances that advertise plain HTTP, and those that failed to prove their
// subgraph's identity: they are not instances of it, whatever they advertise, and the
// client's ejection cap must not keep them in rotation.
//
// It is called on every fetch: the list is rebuilt only when gossip's list for the service
// changed (discovery returns the same slice until then), a refusal was recorded, or a
// second has passed (refusals expire); otherwise the same slice is returned, which the
// client's pool recognises without comparing endpoints.
type memberResolver struct {
	m         *discovery.Member
	refused   *refusals
	httpsOnly bool
	log       *slog.Logger
	cache     sync.Map // service -> *resolved
}

// resolved is one service's endpoints and what they were built from.
type resolved struct {
	from  *discovery.Instance // first element of the gossip list
	n     int
	gen   uint64
	until time.Time
	out   []resilience.Endpoint
}

func (r *memberResolver) Endpoints(service string) []resilience.Endpoint {
	ins := r.m.Instances(service)
	if len(ins) == 0 {
		return nil
	}
	gen, now := r.refused.gen.Load(), time.Now()
	if v, ok := r.cache.Load(service); ok {
		c := v.(*resolved)
		if c.from == &ins[0] && c.n == len(ins) && c.gen == gen && now.Before(c.until) {
			return c.out
		}
	}
	out := r.build(service, ins)
	r.cache.Store(service, &resolved{from: &ins[0], n: len(ins), gen: gen, until: now.Add(time.Second), out: out})
	return out
}

func (r *memberResolver) build(service string, ins []discovery.Instance) []resilience.Endpoint {
	out := make([]resilience.Endpoint, 0, len(ins))
	for _, in := range ins {
		if r.httpsOnly && !strings.HasPrefix(in.URL, "https://") {
			if r.refused.add(service, in.URL) {
				r.log.Warn("mesh: instance advertises plain HTTP; the gateway requires mTLS, not using it", "subgraph", service, "node", in.Node, "url", in.URL)
			}
			continue
		}
		if r.refused.has(service, in.URL) {
			continue
		}
		out = append(out, resilience.Endpoint{ID: in.Node, URL: in.URL, Zone: in.Zone, Weight: in.Weight})
	}
	return out
}

// refusals are instances not to use for a while, by subgraph and URL: their identity was
// refused for that subgraph (the same server may be a genuine instance of another).
type refusals struct {
	mu    sync.Mutex
	until map[string]time.Time
	gen   atomic.Uint64 // counts new refusals: the resolver's cached lists are stale
}

// refusalTTL is how long a refused instance is left out: a certificate fixed by its operator
// is tried again after it.
const refusalTTL = time.Minute

// add records url for service; it reports whether it was not recorded already.
func (r *refusals) add(service, url string) bool {
	url = service + " " + url
	r.mu.Lock()
	defer r.mu.Unlock()
	fresh := time.Now().After(r.until[url])
	r.until[url] = time.Now().Add(refusalTTL)
	if fresh {
		r.gen.Add(1)
	}
	if len(r.until) > 10_000 { // bounded: forget the expired ones
		for u, t := range r.until {
			if time.Now().After(t) {
				delete(r.until, u)
			}
		}
	}
	return fresh
}

func (r *refusals) has(service, url string) bool {
	url = service + " " + url
	r.mu.Lock()
	defer r.mu.Unlock()
	return time.Now().Before(r.until[url])
}

// mtlsOnly is a subgraph's transport with mTLS: it never sends in clear (a routing URL or an
// instance with http://), and records the instances whose identity it refused.
type mtlsOnly struct {
	rt      http.RoundTripper
	service string
	refused *refusals
	log     *slog.Logger
}

func (t *mtlsOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" {
		return nil, fmt.Errorf("refusing to call subgraph %s at %s in clear: the gateway requires mTLS (give it an https routing URL, or instances in the mesh)", t.service, req.URL.Redacted())
	}
	resp, err := t.rt.RoundTrip(req)
	var pe *identity.PeerError
	if errors.As(err, &pe) {
		t.refused.add(t.service, req.URL.String())
	}
	return resp, err
}

func (t *mtlsOnly) CloseIdleConnections() {
	if ci, ok := t.rt.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// refusing is the transport of a service whose expected identity cannot be built.
type refusing struct{ err error }

func (r refusing) RoundTrip(*http.Request) (*http.Response, error) { return nil, r.err }
