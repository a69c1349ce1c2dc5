package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin/graph"
	"github.com/vektah/gqlparser/v2/ast"
)

const (
	// Path is where `trellis serve --registry` mounts the API.
	Path = "/admin/graphql"
	// MaxBodyBytes bounds a request body: a subgraph's SDL with room to spare.
	MaxBodyBytes = 2 << 20
	// MaxPoll bounds supergraphAfter's wait.
	MaxPoll = 60 * time.Second
	// requestTimeout bounds a whole request; above MaxPoll so that a long poll ends on its own.
	requestTimeout = MaxPoll + 30*time.Second
)

// Server is the admin API over one registry. It is safe for concurrent use.
type Server struct {
	reg *registry.Registry
	log *slog.Logger
	gql *handler.Server

	// closing ends the long polls waiting when Close is called.
	closing context.Context
	close   context.CancelFunc
	once    sync.Once
}

// Handler serves the admin API of reg over POST (mount it at Path). log receives internal
// errors (nil: discard).
func Handler(reg *registry.Registry, log *slog.Logger) http.Handler { return New(reg, log) }

// New is Handler, returning the Server for its Close.
func New(reg *registry.Registry, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{reg: reg, log: log}
	s.closing, s.close = context.WithCancel(context.Background())
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &resolver{s}})
	gql := handler.New(es)
	gql.AddTransport(transport.POST{})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](100))
	gql.Use(extension.Introspection{})
	gql.Use(heavyOnce{}) // first: its refusal says more than the complexity's
	gql.Use(extension.FixedComplexityLimit(maxComplexity))
	gql.SetErrorPresenter(s.presentError)
	gql.SetRecoverFunc(func(ctx context.Context, v any) error {
		return fmt.Errorf("panic in a resolver: %v", v) // presentError logs it and hides it
	})
	s.gql = gql
	return s
}

// Close makes the long polls in progress answer at once (with the current supergraph), so
// that a server shutting down is not held by them. Requests after Close still work.
func (s *Server) Close() { s.once.Do(s.close) }

// ServeHTTP authenticates the request, bounds its body and duration, and runs it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, CodeBadUserInput,
			"the admin API takes POST with a JSON body {\"query\": ...} and Content-Type: application/json")
		return
	}
	id := newRequestID()
	w.Header().Set("X-Request-Id", id)
	r = r.WithContext(withRequestID(r.Context(), id))
	p, status, msg := s.authenticate(r)
	if p == nil {
		code := CodeUnauthenticated
		if status == http.StatusInternalServerError {
			code = CodeInternal
		}
		writeError(w, status, code, msg)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, http.StatusRequestEntityTooLarge, CodeBadUserInput, "the request body is over 2 MiB: is the schema file right?")
			return
		}
		writeError(w, http.StatusBadRequest, CodeBadUserInput, "reading the request body: "+err.Error())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	s.gql.ServeHTTP(w, r.WithContext(withPrincipal(ctx, p)))
}

// authenticate resolves the bearer token; without a principal it returns the HTTP status and
// the message to answer with.
func (s *Server) authenticate(r *http.Request) (*registry.Principal, int, string) {
	auth := r.Header.Get("Authorization")
	scheme, secret, _ := strings.Cut(auth, " ")
	secret = strings.TrimSpace(secret)
	if auth == "" || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, http.StatusUnauthorized, "no token: send the header Authorization: Bearer <token> " +
			"(the admin token `trellis serve --registry` printed, or a team token; the CLI reads --token or TRELLIS_REGISTRY_TOKEN)"
	}
	p, err := s.reg.Authenticate(r.Context(), secret)
	switch {
	case err == nil && p != nil:
		return p, 0, ""
	case err == nil || errors.Is(err, registry.ErrUnauthenticated):
		return nil, http.StatusUnauthorized, "the token is not valid here (mistyped, revoked, or from another registry): " +
			"check --token or TRELLIS_REGISTRY_TOKEN"
	}
	id := requestIDFrom(r.Context())
	s.log.Error("admin API: authenticating a token failed", "request_id", id, "error", err.Error())
	return nil, http.StatusInternalServerError, "the registry could not check the token: " + internalMessage(id)
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p *registry.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom is the request's principal; ServeHTTP refuses requests without one.
func principalFrom(ctx context.Context) (*registry.Principal, error) {
	if p, ok := ctx.Value(principalKey{}).(*registry.Principal); ok && p != nil {
		return p, nil
	}
	return nil, registry.ErrUnauthenticated
}
