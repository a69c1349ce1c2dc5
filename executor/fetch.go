package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/resilience"
)

// subgraphResponse is a decoded subgraph response.
type subgraphResponse struct {
	Data   *tree.Object
	Errors []map[string]any
}

var errMissingEntities = errors.New("response has no _entities list")

// send posts one request to a subgraph and decodes the response. A response that is not a
// GraphQL response (HTML error page, invalid JSON, neither data nor errors) is an error.
// idempotent tells the client (resilience.Client, when the gateway has one) that the request
// may be retried on another instance.
func (e *execution) send(ctx context.Context, service string, body []byte, idempotent bool) (_ *subgraphResponse, err error) {
	graph := e.st.sg.Graph(service)
	if graph == nil {
		return nil, fmt.Errorf("unknown subgraph %q", service)
	}
	ctx, cancel := context.WithTimeout(ctx, e.g.cfg.SubgraphTimeout)
	defer cancel()
	if e.g.targets {
		target := resilience.Target{Service: service, Idempotent: idempotent}
		if !idempotent {
			target.Body = body // sent again only if the first try provably reached no instance
		}
		ctx = resilience.WithTarget(ctx, target)
	}
	ctx, obs := e.g.startFetch(ctx, service)
	defer func() { obs.end(err) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, graph.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if !idempotent {
		// Without GetBody, net/http cannot send the body again: its HTTP/2 transport would
		// otherwise resend after a stream reset the server may have acted on.
		req.GetBody = nil
	}
	hr := headerRunFrom(ctx)
	if hr != nil {
		e.g.headers.Apply(req.Header, service, hr.in) // first: the gateway's own headers win
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	obs.inject(req)
	resp, err := e.g.client.Do(req)
	if err != nil {
		return nil, err
	}
	obs.responded(resp)
	defer resp.Body.Close()
	if hr != nil {
		hr.out.Add(service, resp.Header)
	}
	limit := e.g.cfg.MaxSubgraphResponseBytes
	raw, err := e.arena.readBody(resp, limit)
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	e.received.Add(int64(len(raw)))
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("response larger than %d bytes", limit)
	}
	out, decodeErr := parseResponse(raw, e.arena.box(len(raw)))
	switch {
	case decodeErr != nil && resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, snippet(raw))
	case decodeErr != nil:
		return nil, fmt.Errorf("invalid JSON response: %v", decodeErr)
	case out.Data == nil && len(out.Errors) == 0 && resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, snippet(raw))
	case out.Data == nil && len(out.Errors) == 0:
		return nil, errors.New("response has neither data nor errors")
	}
	return out, nil
}

// parseResponse decodes a GraphQL response body into b: "data" must be an object or null,
// "errors" a list of objects.
func parseResponse(raw []byte, b *boxes) (*subgraphResponse, error) {
	v, err := decodeIn(raw, b)
	if err != nil {
		return nil, err
	}
	top, ok := v.(*tree.Object)
	if !ok {
		return nil, errors.New("response is not a JSON object")
	}
	out := &subgraphResponse{}
	switch data := top.Get("data").(type) {
	case *tree.Object:
		out.Data = data
	case nil:
	default:
		return nil, errors.New(`"data" is not an object`)
	}
	switch list := top.Get("errors").(type) {
	case []any:
		// Errors are few and copied into the client's response: as maps they are simpler.
		// Their strings are copied out of the body, which the arena reuses once the
		// execution is over: an error may be logged or kept longer than the tree.
		for _, e := range list {
			m, ok := e.(*tree.Object)
			if !ok {
				return nil, errors.New(`"errors" holds a value that is not an object`)
			}
			out.Errors = append(out.Errors, owned(tree.Plain(m)).(map[string]any))
		}
	case nil:
	default:
		return nil, errors.New(`"errors" is not a list`)
	}
	return out, nil
}

// owned returns v, a plain value (see tree.Plain), with its own copy of every string and
// number: nothing of it points into a body.
func owned(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[strings.Clone(k)] = owned(x)
		}
		return m
	case []any:
		for i, x := range v {
			v[i] = owned(x) // Plain made the list: it is v's own
		}
		return v
	case string:
		return strings.Clone(v)
	case json.Number:
		return json.Number(strings.Clone(string(v)))
	}
	return v
}

func snippet(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	if s == "" {
		return "empty body"
	}
	return fmt.Sprintf("%q", s)
}

// fetchError reports a failed subgraph request. It has no path: the fields it would have
// resolved come back null, and their nearest nullable parents say where.
func fetchError(service string, err error) gqlError {
	ge := newError(CodeSubgraphHTTP, fmt.Sprintf("request to subgraph %q failed: %v", service, err))
	ge.Extensions["serviceName"] = service
	return ge
}

// subgraphError copies a subgraph's error into the client's response at path.
func subgraphError(service string, se map[string]any, path []any) gqlError {
	msg, _ := se["message"].(string)
	if msg == "" {
		msg = "subgraph error without a message"
	}
	ext := map[string]any{}
	if m, ok := se["extensions"].(map[string]any); ok {
		for k, v := range m {
			ext[k] = v
		}
	}
	ext["serviceName"] = service
	return gqlError{Message: msg, Path: path, Extensions: ext}
}

// subgraphPath reads an error's path, with indices as ints.
func subgraphPath(se map[string]any) []any {
	raw, _ := se["path"].([]any)
	if len(raw) == 0 {
		return nil
	}
	out := make([]any, 0, len(raw))
	for _, p := range raw {
		switch p := p.(type) {
		case string:
			out = append(out, p)
		case json.Number:
			i, err := p.Int64()
			if err != nil {
				return nil
			}
			out = append(out, int(i))
		default:
			return nil
		}
	}
	return out
}

// entityErrors re-paths an error of an entity request: "ALIAS.i.rest" (ALIAS is _entities,
// or a part's alias in a batch) becomes the path of every object whose representation in
// that part was i, followed by rest.
func (e *execution) entityErrors(service string, se map[string]any, parts []*part) []gqlError {
	p := subgraphPath(se)
	idx, ok := 0, false
	if len(p) >= 2 {
		idx, ok = p[1].(int)
	}
	var out []gqlError
	for _, pt := range parts {
		if !ok || p[0] != pt.alias {
			continue
		}
		for _, t := range pt.byRep()[idx] {
			out = append(out, subgraphError(service, se, append(indexedPath(pt.path, e.arena.indices, t.at), p[2:]...)))
		}
	}
	if len(out) == 0 {
		out = append(out, subgraphError(service, se, nil))
	}
	return out
}
