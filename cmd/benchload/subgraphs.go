package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trellis-gql/trellis/examples"
)

// subgraphNames are the example subgraphs and the default addresses that
// examples/supergraph.graphql routes them to.
var subgraphNames = map[string]string{
	"accounts":  "127.0.0.1:4001",
	"products":  "127.0.0.1:4002",
	"inventory": "127.0.0.1:4003",
	"reviews":   "127.0.0.1:4004",
}

// subgraphs is the examples/serve process, in benchmark mode
// (--memoize-responses), on free loopback ports.
type subgraphs struct {
	proc  *process
	addrs map[string]string // host:port by name
}

func startSubgraphs(ctx context.Context, h host, bin, dir string) (*subgraphs, error) {
	s := &subgraphs{addrs: map[string]string{}}
	free, err := freeAddrs(len(subgraphNames))
	if err != nil {
		return nil, err
	}
	argv := []string{bin, "--memoize-responses"}
	for name := range subgraphNames {
		s.addrs[name], free = free[0], free[1:]
		argv = append(argv, "--addr", name+"="+s.addrs[name])
	}
	if s.proc, err = start("subgraphs", h.onLoadCPU(argv), filepath.Join(dir, "subgraphs.log")); err != nil {
		return nil, err
	}
	for _, addr := range s.addrs {
		if err := s.proc.waitListening(ctx, addr); err != nil {
			s.proc.stop()
			return nil, err
		}
	}
	return s, nil
}

// urls returns each subgraph's GraphQL endpoint, by name.
func (s *subgraphs) urls() map[string]string {
	urls := map[string]string{}
	for name, addr := range s.addrs {
		urls[name] = "http://" + addr + "/graphql"
	}
	return urls
}

// supergraph is examples/supergraph.graphql routed to these subgraphs.
func (s *subgraphs) supergraph() string {
	sdl := examples.Supergraph
	for name, def := range subgraphNames {
		sdl = strings.Replace(sdl, `url: "http://`+def+`/graphql"`, `url: "http://`+s.addrs[name]+`/graphql"`, 1)
	}
	return sdl
}

// memoReport is server.MemoReport, what GET /memoized answers.
type memoReport struct {
	Requests int64 `json:"requests"`
	Entries  []struct {
		Method   string `json:"method"`
		URI      string `json:"uri"`
		Body     string `json:"body"`
		Requests int64  `json:"requests"`
	} `json:"entries"`
}

// reports fetches every subgraph's memo report, by name.
func (s *subgraphs) reports() (map[string]memoReport, error) {
	reps := map[string]memoReport{}
	for name, addr := range s.addrs {
		resp, err := http.Get("http://" + addr + "/memoized")
		if err != nil {
			return nil, err
		}
		var rep memoReport
		err = json.NewDecoder(resp.Body).Decode(&rep)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s subgraph: GET /memoized: %w (is it examples/serve --memoize-responses?)", name, err)
		}
		reps[name] = rep
	}
	return reps, nil
}

// served is how many requests the subgraphs have served in all.
func (s *subgraphs) served() (int64, error) {
	reps, err := s.reports()
	var n int64
	for _, rep := range reps {
		n += rep.Requests
	}
	return n, err
}

// replay turns what the subgraphs served between two reports into targets:
// each request as often as it was sent, with the answer the subgraph gives it.
// Every request must have been memoized, or the replay would be incomplete.
func (s *subgraphs) replay(before, after map[string]memoReport) ([]target, error) {
	var targets []target
	for _, name := range slices.Sorted(maps.Keys(after)) {
		rep := after[name]
		seen := map[string]int64{}
		for _, e := range before[name].Entries {
			seen[e.Method+" "+e.URI+" "+e.Body] = e.Requests
		}
		var memoized int64
		for _, e := range rep.Entries {
			n := e.Requests - seen[e.Method+" "+e.URI+" "+e.Body]
			if n > 0 && e.Method != http.MethodPost {
				return nil, fmt.Errorf("%s subgraph got a %s request; the replay sends POST only", name, e.Method)
			}
			for range n {
				targets = append(targets, target{url: "http://" + s.addrs[name] + e.URI, body: []byte(e.Body)})
			}
			memoized += n
		}
		if sent := rep.Requests - before[name].Requests; sent != memoized {
			return nil, fmt.Errorf("%s subgraph: %d requests, only %d memoized (an error answer?)", name, sent, memoized)
		}
	}
	for i := range targets {
		want, err := post(targets[i].url, targets[i].body)
		if err != nil {
			return nil, err
		}
		if targets[i], err = newTarget(targets[i].url, targets[i].body, want); err != nil {
			return nil, err
		}
	}
	return targets, nil
}

// post sends body to url once and returns the answer, which must be a 200.
func post(url string, body []byte) ([]byte, error) {
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("POST %s: status %d: %.300s", url, resp.StatusCode, answer)
	}
	return answer, err
}
