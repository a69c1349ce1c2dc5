package main

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/resilience"
)

// status is GET /trellis/status in development mode: the subgraphs of the supergraph with
// their routing URL, the instances the mesh knows and the client's view of each (latency,
// breaker state), for the playground's side panel.
type status struct {
	gw     *executor.Gateway
	mesh   *gatewayMesh       // nil without the mesh
	client *resilience.Client // nil without the resilient client
}

type subgraphStatus struct {
	Name       string           `json:"name"`
	RoutingURL string           `json:"routingUrl"`
	Instances  []instanceStatus `json:"instances"`
}

type instanceStatus struct {
	Node         string  `json:"node,omitempty"`
	URL          string  `json:"url"`
	Zone         string  `json:"zone,omitempty"`
	Weight       int     `json:"weight,omitempty"`
	Breaker      string  `json:"breaker"`
	LatencyMs    float64 `json:"latencyMs"`
	InFlight     int     `json:"inFlight"`
	EjectedUntil string  `json:"ejectedUntil,omitempty"`
}

func (s *status) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var snap map[string][]resilience.EndpointState
	if s.client != nil {
		snap = s.client.Snapshot()
	}
	out := []subgraphStatus{}
	for _, g := range s.gw.Supergraph().Graphs {
		sub := subgraphStatus{Name: g.Name, RoutingURL: g.URL, Instances: []instanceStatus{}}
		seen := map[string]bool{}
		for _, e := range snap[g.Name] {
			if !e.Listed && e.URL != g.URL {
				continue // dropped by gossip, kept by the client for a while
			}
			in := instanceStatus{Node: e.ID, URL: e.URL, Zone: e.Zone, Weight: e.Weight, Breaker: string(e.Breaker),
				LatencyMs: float64(e.Latency.Microseconds()) / 1000, InFlight: e.InFlight}
			if !e.EjectedUntil.IsZero() {
				in.EjectedUntil = e.EjectedUntil.UTC().Format(time.RFC3339)
			}
			seen[e.URL] = true
			sub.Instances = append(sub.Instances, in)
		}
		if s.mesh != nil {
			for _, in := range s.mesh.member.Instances(g.Name) {
				if !seen[in.URL] { // known by gossip, not called yet
					sub.Instances = append(sub.Instances, instanceStatus{Node: in.Node, URL: in.URL, Zone: in.Zone,
						Weight: in.Weight, Breaker: string(resilience.StateClosed)})
				}
			}
		}
		out = append(out, sub)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"subgraphs": out})
}
