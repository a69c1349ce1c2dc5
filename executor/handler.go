package executor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
	"github.com/trellis-gql/trellis/executor/introspect"
	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// HeaderIncludePlan asks a gateway started in dev mode to return the query plan under
// extensions.queryPlan.
const HeaderIncludePlan = "Trellis-Include-Query-Plan"

// ServeHTTP answers one GraphQL-over-HTTP request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mediaType, ok := graphqlhttp.MediaType(r.Header.Get("Accept"))
	if !ok {
		writeRequestError(w, graphqlhttp.JSON, http.StatusNotAcceptable,
			newError(CodeBadRequest, "the Accept header allows neither application/graphql-response+json nor application/json"))
		return
	}
	req, err := graphqlhttp.Parse(r, g.cfg.HTTP)
	if err != nil {
		var he *graphqlhttp.Error
		if errors.As(err, &he) {
			if he.Allow != "" {
				w.Header().Set("Allow", he.Allow)
			}
			writeRequestError(w, mediaType, he.Status, newError(CodeBadRequest, he.Message))
			return
		}
		writeRequestError(w, mediaType, http.StatusBadRequest, newError(CodeBadRequest, err.Error()))
		return
	}
	st := g.state.Load()
	p, rerr := st.prepare(req, g.cfg.MaxTokens, g.cfg.Limits)
	if rerr != nil {
		status := graphqlhttp.Status(mediaType, true)
		if rerr.status != 0 {
			status = rerr.status
		}
		if status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", "POST")
		}
		writeRequestError(w, mediaType, status, rerr.errs...)
		return
	}
	plan, err := g.plan(st, p)
	if err != nil {
		writeRequestError(w, mediaType, graphqlhttp.Status(mediaType, true), newError(CodePlanFailed, err.Error()))
		return
	}
	withPlan := g.cfg.Dev && r.Header.Get(HeaderIncludePlan) == "true"
	body, shared := g.respond(r, st, p, plan, withPlan)
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	if !shared {
		putBuffer(body) // written out: the next response may reuse it
	}
}

// respond executes the plan, sharing the execution with identical queries in flight when
// inbound deduplication is on.
// shared tells that the body may be in use by other requests too.
func (g *Gateway) respond(r *http.Request, st *state, p *prepared, plan *planner.Plan, withPlan bool) (body []byte, shared bool) {
	if !g.cfg.Dedup || p.op.Kind != ast.Query {
		return g.execute(r.Context(), st, p, plan, withPlan), false
	}
	key := dedupKey(r, p, withPlan)
	// The shared execution must not end when the first caller goes away: the others still wait.
	ctx := context.WithoutCancel(r.Context())
	v, _, _ := g.inflight.Do(key, func() (any, error) { return g.execute(ctx, st, p, plan, withPlan), nil })
	return v.([]byte), true
}

// dedupKey identifies requests that may share one execution: the same normalized operation,
// variables and authorization context.
func dedupKey(r *http.Request, p *prepared, withPlan bool) string {
	var b strings.Builder
	b.WriteString(p.op.Key)
	b.WriteByte(0)
	b.Write(appendJSON(nil, p.vars)) // encoding/json sorts map keys
	for _, h := range []string{"Authorization", "Cookie"} {
		b.WriteByte(0)
		b.WriteString(r.Header.Get(h))
	}
	if withPlan {
		b.WriteString("\x00plan")
	}
	return b.String()
}

// execute runs a plan and returns the response body.
func (g *Gateway) execute(ctx context.Context, st *state, p *prepared, plan *planner.Plan, withPlan bool) []byte {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.RequestTimeout)
	defer cancel()
	e := &execution{g: g, st: st, vars: p.vars, data: map[string]any{}}
	e.run(ctx, plan.Node)
	if ctx.Err() != nil {
		e.errs = append(e.errs, newError(CodeTimeout, fmt.Sprintf("the operation did not finish within %s", g.cfg.RequestTimeout)))
	}
	e.introspection(p.op)
	pr := &projector{errs: e.errs, max: g.cfg.MaxResponseBytes, buf: getBuffer(int(min(e.received.Load()+1024, int64(g.cfg.MaxResponseBytes))))}
	pr.buf = append(pr.buf, `{"data":`...)
	if !pr.project(p.op.Selection, e.data) {
		pr.buf = append(pr.buf[:len(`{"data":`)], "null"...)
	}
	if pr.tooLarge {
		return appendJSON(nil, map[string]any{"data": nil, "errors": []gqlError{newError(CodeResponseTooLarge,
			fmt.Sprintf("the response would exceed %d bytes; select less, or ask the operator to raise max_response_bytes", g.cfg.MaxResponseBytes))}})
	}
	errs := append(e.errs, pr.add...)
	sortErrors(errs)
	if len(errs) > 0 {
		pr.buf = append(pr.buf, `,"errors":`...)
		pr.buf = appendJSON(pr.buf, errs)
	}
	if withPlan {
		pr.buf = append(pr.buf, `,"extensions":`...)
		pr.buf = appendJSON(pr.buf, map[string]any{"queryPlan": map[string]any{"text": plan.String(), "node": plan.Node}})
	}
	return append(pr.buf, '}')
}

// introspection answers the root __schema and __type fields from the API schema.
func (e *execution) introspection(op *planner.Operation) {
	for _, f := range op.Selection.Cases[0].Fields {
		if f.Source == nil {
			continue
		}
		v, err := introspect.Resolve(e.st.sg.API, f.Source, e.vars)
		if err != nil {
			ge := newError(CodeInternal, err.Error())
			ge.Path = []any{f.Alias}
			e.errs = append(e.errs, ge)
			continue
		}
		e.data[f.Alias] = v
	}
}

func writeRequestError(w http.ResponseWriter, mediaType string, status int, errs ...gqlError) {
	body := appendJSON(nil, map[string]any{"errors": errs})
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
