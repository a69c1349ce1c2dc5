package main

import (
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
)

// The --json output of the registry commands: the admin API's field names, so that a script
// reads the same keys from the CLI and from the API.

type subgraphJSON struct {
	Name        string    `json:"name"`
	RoutingURL  string    `json:"routingUrl"`
	Version     int       `json:"version"`
	PublishedAt time.Time `json:"publishedAt"`
	PublishedBy string    `json:"publishedBy"`
	SDL         string    `json:"sdl"`
}

func subgraphsJSON(subs []registry.Subgraph) []subgraphJSON {
	out := make([]subgraphJSON, len(subs))
	for i, s := range subs {
		out[i] = subgraphJSON{s.Name, s.RoutingURL, s.Version, s.PublishedAt.UTC(), s.PublishedBy, s.SDL}
	}
	return out
}

type problemJSON struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Subgraph   string `json:"subgraph"`
	Coordinate string `json:"coordinate"`
	Line       int    `json:"line"`
	Column     int    `json:"column"`
}

type changeJSON struct {
	Level      string `json:"level"`
	Code       string `json:"code"`
	Coordinate string `json:"coordinate"`
	Message    string `json:"message"`
}

type publicationJSON struct {
	ID                int64         `json:"id"`
	Subgraph          string        `json:"subgraph"`
	Action            string        `json:"action"`
	Status            string        `json:"status"`
	By                string        `json:"by"`
	SubgraphVersion   int           `json:"subgraphVersion"`
	SupergraphVersion int64         `json:"supergraphVersion"`
	Problems          []problemJSON `json:"problems"`
	Changes           []changeJSON  `json:"changes"`
	CreatedAt         time.Time     `json:"createdAt"`
}

func publicationsJSON(pubs []registry.Publication) []publicationJSON {
	out := make([]publicationJSON, len(pubs))
	for i, p := range pubs {
		j := publicationJSON{ID: p.ID, Subgraph: p.Subgraph, Action: p.Action, Status: p.Status, By: p.By,
			SubgraphVersion: p.SubgraphVersion, SupergraphVersion: p.SupergraphVersion, CreatedAt: p.CreatedAt.UTC(),
			Problems: []problemJSON{}, Changes: []changeJSON{}}
		for _, pr := range p.Problems {
			j.Problems = append(j.Problems, problemJSON{pr.Code, pr.Message, pr.Subgraph, pr.Coordinate, pr.Line, pr.Column})
		}
		for _, c := range p.Changes {
			j.Changes = append(j.Changes, changeJSON{c.Level, c.Code, c.Coordinate, c.Message})
		}
		out[i] = j
	}
	return out
}

type tokenJSON struct {
	ID        string   `json:"id"`
	Team      string   `json:"team"`
	Admin     bool     `json:"admin"`
	Subgraphs []string `json:"subgraphs"`
	Secret    string   `json:"secret,omitempty"`
}
