package subgraphtest

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
)

// Subgraph is an in-process federation subgraph serving GraphQL over HTTP
// from a schema and a data file. It is safe for concurrent use.
type Subgraph struct {
	name  string
	sdl   string
	fed   *federated
	store *store

	mu       sync.Mutex
	requests []Request
}

var _ http.Handler = (*Subgraph)(nil)

// Request is a GraphQL request as the subgraph received it. Numbers in
// Variables are json.Number.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// New builds a subgraph from federation subgraph SDL (Federation 2 with
// @link, or Federation 1 without) and its data file, described in the package
// documentation. name only labels errors and the SDL's source.
func New(name, sdl string, data []byte) (*Subgraph, error) {
	fed, err := loadSchema(name, sdl)
	if err != nil {
		return nil, fmt.Errorf("subgraph %s: schema: %w", name, err)
	}
	st, err := loadStore(fed.schema, data)
	if err != nil {
		return nil, fmt.Errorf("subgraph %s: %w", name, err)
	}
	return &Subgraph{name: name, sdl: sdl, fed: fed, store: st}, nil
}

// Requests returns every request received since New or the last Reset, in
// the order they arrived, including those that failed validation.
func (s *Subgraph) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Reset forgets the requests received so far.
func (s *Subgraph) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ServeHTTP answers a POST of a JSON GraphQL request. Every well-formed
// request gets status 200 and a JSON response, errors included, so that a
// gateway passes subgraph validation errors on to the test that caused them.
// Other methods get 405 and a body that is not a JSON request gets 400.
func (s *Subgraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeResponse(w, http.StatusMethodNotAllowed, errorResponse("subgraphtest accepts only POST"))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, http.StatusBadRequest, errorResponse("read request: "+err.Error()))
		return
	}
	// Decoded twice, so that the recorded request shares nothing with the
	// one executed.
	var req, recorded Request
	if err := decodeJSON(body, &req); err != nil {
		writeResponse(w, http.StatusBadRequest, errorResponse("decode request: "+err.Error()))
		return
	}
	_ = decodeJSON(body, &recorded)
	s.mu.Lock()
	s.requests = append(s.requests, recorded)
	s.mu.Unlock()
	writeResponse(w, http.StatusOK, s.run(req))
}

func errorResponse(msg string) *response {
	return &response{errors: []gqlError{{message: msg}}}
}

func writeResponse(w http.ResponseWriter, status int, resp *response) {
	body, _ := resp.MarshalJSON()
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
