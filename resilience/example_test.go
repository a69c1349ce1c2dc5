package resilience_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/trellis-gql/trellis/resilience"
)

// instances is a Resolver over a fixed list; discovery's membership plays this part in the
// gateway.
type instances map[string][]resilience.Endpoint

func (m instances) Endpoints(service string) []resilience.Endpoint { return m[service] }

func Example() {
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"data":{}}`)
	}))
	defer a.Close()
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable) // retried on a
	}))
	defer b.Close()

	eps := instances{"products": {{ID: "a", URL: a.URL + "/graphql"}, {ID: "b", URL: b.URL + "/graphql"}}}
	client, err := resilience.New(resilience.DefaultConfig(), eps, nil, nil)
	if err != nil {
		panic(err)
	}
	defer client.Close()

	// A query: idempotent, so it may be retried on another instance.
	ctx := resilience.WithTarget(context.Background(), resilience.Target{Service: "products", Idempotent: true})
	for range 3 {
		// The URL is the supergraph's routing URL, used only when no instance is known.
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://products.internal/graphql", strings.NewReader(`{"query":"{ top { id } }"}`))
		resp, err := client.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// 200
	// 200
	// 200
}
