package executor_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// TestInboundDedup: identical concurrent queries share one execution when Dedup is on;
// mutations and queries with other variables or credentials never share.
func TestInboundDedup(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		calls.Add(1)
		<-release
		io.WriteString(w, `{"data":{"topProducts":[{"upc":"1"}],"restock":true}}`)
	}))
	defer sub.Close()
	sdl := strings.NewReplacer("INVENTORY_URL", sub.URL, "PRODUCTS_URL", sub.URL).Replace(failSupergraph)
	sdl = strings.Replace(sdl, "{ query: Query }", "{ query: Query mutation: Mutation }", 1) +
		"type Mutation @join__type(graph: INVENTORY) { restock(upc: String!): Boolean @join__field(graph: INVENTORY) }\n"
	sg, err := supergraph.Load("dedup.graphql", sdl)
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	cfg.Dedup = true
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	cases := []struct {
		name   string
		bodies []string
		auth   []string
		want   int32
	}{
		{"identical queries share", repeat(`{"query":"{ topProducts { upc } }"}`, 8), nil, 1},
		{"other credentials do not", repeat(`{"query":"{ topProducts { upc } }"}`, 2), []string{"Bearer a", "Bearer b"}, 2},
		{"mutations never share", repeat(`{"query":"mutation { restock(upc: \"1\") }"}`, 3), nil, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls.Store(0)
			release = make(chan struct{})
			var wg sync.WaitGroup
			bodies := make([]string, len(c.bodies))
			for i, body := range c.bodies {
				wg.Go(func() {
					req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					if c.auth != nil {
						req.Header.Set("Authorization", c.auth[i])
					}
					rec := httptest.NewRecorder()
					gw.ServeHTTP(rec, req)
					bodies[i] = rec.Body.String()
				})
			}
			time.Sleep(300 * time.Millisecond) // every request reaches the gateway
			close(release)
			wg.Wait()
			if got := calls.Load(); got != c.want {
				t.Errorf("subgraph calls = %d, want %d", got, c.want)
			}
			for _, b := range bodies {
				if !strings.HasPrefix(b, `{"data":{`) {
					t.Errorf("response %s", b)
				}
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
