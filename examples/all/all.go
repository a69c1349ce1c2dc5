// Package all runs the four example subgraphs in one process: on loopback
// ports the kernel picks, for the gateway's tests and benchmarks (Start), or on
// given addresses, for the demo in examples/serve (StartAt).
package all

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/trellis-gql/trellis/examples"
	accounts "github.com/trellis-gql/trellis/examples/accounts/subgraph"
	"github.com/trellis-gql/trellis/examples/internal/server"
	inventory "github.com/trellis-gql/trellis/examples/inventory/subgraph"
	products "github.com/trellis-gql/trellis/examples/products/subgraph"
	reviews "github.com/trellis-gql/trellis/examples/reviews/subgraph"
)

// subgraph is what Start needs of each example.
type subgraph struct {
	name    string
	port    int
	handler func() http.Handler
}

// subgraphs are the examples, sorted by name as in the supergraph's
// join__Graph enum.
var subgraphs = []subgraph{
	{accounts.Name, accounts.DefaultPort, accounts.Handler},
	{inventory.Name, inventory.DefaultPort, inventory.Handler},
	{products.Name, products.DefaultPort, products.Handler},
	{reviews.Name, reviews.DefaultPort, reviews.Handler},
}

// Names returns the names of the example subgraphs, sorted.
func Names() []string {
	names := make([]string, len(subgraphs))
	for i, sg := range subgraphs {
		names[i] = sg.name
	}
	return names
}

// Handlers returns a new handler for each example subgraph, by name, for
// callers that serve them themselves (with httptest, behind a fault injector).
func Handlers() map[string]http.Handler {
	hs := make(map[string]http.Handler, len(subgraphs))
	for _, sg := range subgraphs {
		hs[sg.name] = sg.handler()
	}
	return hs
}

// DefaultAddrs returns each subgraph's default address on host, by name:
// accounts on port 4001, products 4002, inventory 4003 and reviews 4004, the
// addresses that examples/supergraph.graphql routes to when host is 127.0.0.1.
func DefaultAddrs(host string) map[string]string {
	addrs := make(map[string]string, len(subgraphs))
	for _, sg := range subgraphs {
		addrs[sg.name] = net.JoinHostPort(host, strconv.Itoa(sg.port))
	}
	return addrs
}

// Subgraphs is the four example subgraphs running in this process. Its
// methods are safe for concurrent use.
type Subgraphs struct {
	urls map[string]string
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu   sync.Mutex
	errs []error

	closeOnce sync.Once
	closeErr  error
}

// Start starts the four subgraphs on 127.0.0.1, each on a port the kernel
// picks. ctx bounds only the start: the subgraphs serve until Close.
func Start(ctx context.Context) (*Subgraphs, error) {
	addrs := make(map[string]string, len(subgraphs))
	for _, sg := range subgraphs {
		addrs[sg.name] = "127.0.0.1:0"
	}
	return StartAt(ctx, addrs)
}

// StartAt starts each subgraph on its address in addrs, a host:port by name,
// which must name all four. ctx bounds only the start: the subgraphs serve
// until Close. On error, StartAt has stopped whatever it started.
func StartAt(ctx context.Context, addrs map[string]string) (*Subgraphs, error) {
	if err := checkNames(addrs); err != nil {
		return nil, err
	}
	lns := make([]net.Listener, 0, len(subgraphs))
	for _, sg := range subgraphs {
		var lc net.ListenConfig
		ln, err := lc.Listen(ctx, "tcp", addrs[sg.name])
		if err != nil {
			for _, opened := range lns {
				opened.Close()
			}
			return nil, fmt.Errorf("start %s subgraph: %w", sg.name, err)
		}
		lns = append(lns, ln)
	}

	// The servers outlive ctx: they stop when Close cancels runCtx.
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s := &Subgraphs{urls: make(map[string]string, len(subgraphs)), stop: stop}
	for i, sg := range subgraphs {
		s.urls[sg.name] = server.URL(lns[i].Addr())
		s.wg.Go(func() {
			if err := server.Serve(runCtx, lns[i], sg.handler()); err != nil {
				s.mu.Lock()
				s.errs = append(s.errs, fmt.Errorf("%s subgraph: %w", sg.name, err))
				s.mu.Unlock()
			}
		})
	}
	return s, nil
}

// checkNames reports whether addrs has an address for each subgraph, and for
// nothing else.
func checkNames(addrs map[string]string) error {
	got := slices.Sorted(maps.Keys(addrs))
	if !slices.Equal(got, Names()) {
		return fmt.Errorf("subgraph addresses for %v, want exactly %v", got, Names())
	}
	return nil
}

// URL returns the GraphQL endpoint of the named subgraph, such as
// http://127.0.0.1:41234/graphql, or "" if there is no such subgraph.
func (s *Subgraphs) URL(name string) string {
	return s.urls[name]
}

// URLs returns every subgraph's GraphQL endpoint, by name.
func (s *Subgraphs) URLs() map[string]string {
	return maps.Clone(s.urls)
}

// Supergraph returns examples.Supergraph routed to these subgraphs: each
// join__graph URL replaced by the URL the subgraph really listens on.
func (s *Subgraphs) Supergraph() string {
	sdl := examples.Supergraph
	for name, addr := range DefaultAddrs("127.0.0.1") {
		sdl = strings.Replace(sdl, `url: "http://`+addr+`/graphql"`, `url: "`+s.urls[name]+`"`, 1)
	}
	return sdl
}

// Close stops the subgraphs, waiting for in-flight requests, and returns the
// errors they stopped with. Calls after the first return the same result.
func (s *Subgraphs) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		s.wg.Wait()
		s.closeErr = errors.Join(s.errs...)
	})
	return s.closeErr
}
