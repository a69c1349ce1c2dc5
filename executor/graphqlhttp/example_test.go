package graphqlhttp_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

// The executor's HTTP front in miniature: negotiate, parse, run, answer.
func Example() {
	cfg := graphqlhttp.DefaultConfig()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mediaType, ok := graphqlhttp.MediaType(strings.Join(r.Header.Values("Accept"), ","))
		if !ok {
			http.Error(w, "accept application/graphql-response+json or application/json", http.StatusNotAcceptable)
			return
		}
		w.Header().Set("Content-Type", mediaType+"; charset=utf-8")
		req, err := graphqlhttp.Parse(r, cfg)
		var perr *graphqlhttp.Error
		if errors.As(err, &perr) {
			if perr.Allow != "" {
				w.Header().Set("Allow", perr.Allow)
			}
			w.WriteHeader(perr.Status)
			json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": perr.Message}}})
			return
		}
		requestError := req.Query == "" // stands in for parse and validation
		w.WriteHeader(graphqlhttp.Status(mediaType, requestError))
	})

	for _, accept := range []string{"", "application/json", "text/html"} {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":""}`))
		r.Header.Set("Content-Type", "application/json")
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Printf("Accept %q: %d %s\n", accept, w.Code, w.Header().Get("Content-Type"))
	}
	// Output:
	// Accept "": 400 application/graphql-response+json; charset=utf-8
	// Accept "application/json": 200 application/json; charset=utf-8
	// Accept "text/html": 406 text/plain; charset=utf-8
}
