package executor_test

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/trellis-gql/trellis/examples"
)

// TestConcurrentRequestsKeepTheirOwnAnswers: executions reuse the memory of those before
// them (the arena of subgraph bodies and decoded values). Requests with different answers,
// many at once, must each get exactly the answer they get alone: a value that outlived its
// execution, or memory released before its response was written, would show here as one
// request's data in another's answer (under -race, also as a race).
func TestConcurrentRequestsKeepTheirOwnAnswers(t *testing.T) {
	gw, _ := startExamples(t)
	queries := differentQueries()
	want := answersAlone(t, gw, queries)
	distinct := map[string]bool{}
	for _, body := range want {
		distinct[body] = true
	}
	if len(distinct) < len(queries)-1 {
		t.Fatalf("only %d distinct answers for %d queries: the test would not see answers mixed up", len(distinct), len(queries))
	}
	postAtOnce(t, gw, queries, want, 60)
}

// answersAlone posts each query to gw in turn and returns the answers, which must be 200s.
func answersAlone(t *testing.T, gw http.Handler, queries []string) []string {
	t.Helper()
	want := make([]string, len(queries))
	for i, q := range queries {
		status, body := post(t, gw, q)
		if status != http.StatusOK {
			t.Fatalf("query %d: status %d: %s", i, status, body)
		}
		want[i] = body
	}
	return want
}

// postAtOnce posts the queries from 6 workers at once, each sending rounds of them in its own
// order, and reports the first answers that are not want's.
func postAtOnce(t *testing.T, gw http.Handler, queries, want []string, rounds int) {
	t.Helper()
	var wg sync.WaitGroup
	var failures atomic.Int32
	for w := range 6 {
		wg.Go(func() {
			for n := range rounds {
				i := (w*7 + n*5) % len(queries)
				if status, body := post(t, gw, queries[i]); (status != http.StatusOK || body != want[i]) && failures.Add(1) <= 3 {
					t.Errorf("query %d under load: status %d\n got %.300s\nwant %.300s", i, status, body, want[i])
				}
			}
		})
	}
	wg.Wait()
}

// differentQueries are queries of the examples with different answers: the benchmark query,
// three users and the top one to five products.
func differentQueries() []string {
	queries := []string{examples.BenchmarkQuery}
	for _, id := range []string{"1", "2", "3"} {
		queries = append(queries, fmt.Sprintf(`{ user(id: %q) { id name username reviews { id body product { upc name price inStock shippingEstimate } } } }`, id))
	}
	for first := 1; first <= 5; first++ {
		queries = append(queries, fmt.Sprintf(`{ topProducts(first: %d) { upc name weight reviews { body author { name reviews { product { name } } } } } }`, first))
	}
	return queries
}
