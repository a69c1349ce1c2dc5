package executor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
	"github.com/trellis-gql/trellis/executor/headers"
	"github.com/trellis-gql/trellis/executor/introspect"
	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// HeaderIncludePlan asks a gateway started in dev mode to return the query plan under
// extensions.queryPlan.
const HeaderIncludePlan = "Trellis-Include-Query-Plan"

// ServeHTTP answers one GraphQL-over-HTTP request. The stages run in order; the first that
// fails answers the request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o, w, r := g.tel.begin(w, r)
	defer o.end()
	mediaType, ok := graphqlhttp.MediaType(r.Header.Get("Accept"))
	if !ok {
		o.failed(outcomeInvalid)
		writeRequestError(w, graphqlhttp.JSON, http.StatusNotAcceptable,
			newError(CodeBadRequest, "the Accept header allows neither application/graphql-response+json nor application/json"))
		return
	}
	x, rerr := g.admit(w, r)
	if rerr != nil {
		o.refused(rerr)
		writeFailure(w, mediaType, rerr)
		return
	}
	sp := o.stage(r.Context(), SpanPlan)
	plan, err := g.plan(x.st, x.planned)
	endPlan(sp, err)
	if err != nil {
		o.failed(outcomePlanFailed)
		writeRequestError(w, mediaType, graphqlhttp.Status(mediaType, true), newError(CodePlanFailed, err.Error()))
		return
	}
	withPlan := g.cfg.Dev && r.Header.Get(HeaderIncludePlan) == "true"
	body, header, shared := g.respond(r.Context(), x, plan, withPlan)
	for name, values := range header {
		if _, set := w.Header()[name]; !set { // the gateway's own headers (CORS, rate limits) win
			w.Header()[name] = values
		}
	}
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	if !shared {
		putBuffer(body) // written out: the next response may reuse it
	}
}

// admitted is a request that passed every stage before planning.
type admitted struct {
	st     *state
	caller *caller
	prepared
	// planned is the operation to plan: the client's without the fields it may not see.
	planned *planner.Operation
	// denied fields are answered with null; errs are reported with the response.
	denied map[*planner.Field]bool
	errs   []gqlError
	// estimated is the static cost, when cost analysis or rate limiting is on.
	estimated float64
	// headers is what the header rules read from the request.
	headers headers.Input
}

// admit runs the stages before planning: parse, authenticate, persisted queries, prepare,
// authorize, cost and rate limit.
func (g *Gateway) admit(w http.ResponseWriter, r *http.Request) (_ *admitted, rerr *requestError) {
	o := g.observation(r.Context())
	sp := o.stage(r.Context(), SpanParse)
	req, rerr := parseRequest(r, g.cfg.HTTP)
	endStage(sp, rerr)
	if rerr != nil {
		return nil, rerr
	}
	c, rerr := g.authenticate(r)
	if rerr != nil {
		return nil, rerr
	}
	defer func() {
		if rerr != nil {
			g.budgetHeaders(w, r, c) // a refused operation spends nothing, but says what is left
		}
	}()
	hash, register, rerr := g.persisted.resolve(req)
	if rerr != nil {
		return nil, rerr
	}
	st := g.state.Load()
	sp = o.stage(r.Context(), SpanValidate)
	p, rerr := st.prepare(req, g.cfg.MaxTokens, g.cfg.Limits)
	if rerr == nil && g.cfg.DisableIntrospection {
		rerr = refuseIntrospection(p.op)
	}
	endStage(sp, rerr)
	if rerr != nil {
		return nil, rerr
	}
	if register {
		g.persisted.store(hash, req.Query)
	}
	x := &admitted{st: st, caller: c, prepared: *p, headers: headers.Input{Header: r.Header, Claims: c.claims}}
	o.admitted(x)
	if rerr := g.authorizeOperation(x); rerr != nil {
		return nil, rerr
	}
	rerr = g.estimate(x)
	o.estimated(x)
	if rerr != nil {
		return nil, rerr
	}
	if rerr := g.rateLimit(w, r, x); rerr != nil {
		return nil, rerr
	}
	return x, nil
}

// authorizeOperation removes what the caller may not see, or refuses the operation in
// reject mode.
func (g *Gateway) authorizeOperation(x *admitted) *requestError {
	a := authorize(x.st.sg, g.policies, x.caller, x.op)
	if len(a.denied) > 0 && g.cfg.Authorization.Reject {
		return &requestError{status: http.StatusForbidden, errs: a.errs}
	}
	x.planned, x.denied, x.errs = a.op, a.denied, a.errs
	return nil
}

// parseRequest reads the GraphQL request from the HTTP request.
func parseRequest(r *http.Request, cfg graphqlhttp.Config) (*graphqlhttp.Request, *requestError) {
	req, err := graphqlhttp.Parse(r, cfg)
	if err == nil {
		return req, nil
	}
	var he *graphqlhttp.Error
	if errors.As(err, &he) {
		return nil, &requestError{status: he.Status, allow: he.Allow, errs: []gqlError{newError(CodeBadRequest, he.Message)}}
	}
	return nil, &requestError{status: http.StatusBadRequest, errs: []gqlError{newError(CodeBadRequest, err.Error())}}
}

// writeFailure answers a request refused before execution.
func writeFailure(w http.ResponseWriter, mediaType string, rerr *requestError) {
	status := graphqlhttp.Status(mediaType, true)
	if rerr.status != 0 {
		status = rerr.status
	}
	switch {
	case rerr.allow != "":
		w.Header().Set("Allow", rerr.allow)
	case status == http.StatusMethodNotAllowed:
		w.Header().Set("Allow", "POST")
	case status == http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeRequestError(w, mediaType, status, rerr.errs...)
}

// respond executes the plan, sharing the execution with identical queries in flight when
// inbound deduplication is on. header is what the response header rules let through from
// the subgraphs; requests sharing an execution get the same (the values must not be
// modified in place).
// shared tells that the body may be in use by other requests too.
func (g *Gateway) respond(ctx context.Context, x *admitted, plan *planner.Plan, withPlan bool) (body []byte, header http.Header, shared bool) {
	ctx = withScope(ctx, x.caller.scope)
	if !g.cfg.Dedup || x.op.Kind != ast.Query {
		body, header = g.execute(ctx, x, plan, withPlan)
		return body, header, false
	}
	key := dedupKey(x, g.headers.Key(x.headers), withPlan)
	// The shared execution must not end when the first caller goes away: the others still wait.
	ctx = context.WithoutCancel(ctx)
	v, _, _ := g.inflight.Do(key, func() (any, error) {
		body, header := g.execute(ctx, x, plan, withPlan)
		return sharedExecution{body, header, g.observation(ctx)}, nil
	})
	s := v.(sharedExecution)
	g.observation(ctx).adopt(s.leader)
	return s.body, s.header, true
}

// sharedExecution is the result of an execution shared by identical requests: the body, the
// response headers the rules let through, and the observation of the request that ran it
// (nil without telemetry).
type sharedExecution struct {
	body   []byte
	header http.Header
	leader *observation
}

// dedupKey identifies requests that may share one execution: the same normalized operation,
// variables and authorization scope (which decides the fields denied too), and the same
// values of what the header rules send to subgraphs (headerKey, see headers.Rules.Key).
func dedupKey(x *admitted, headerKey string, withPlan bool) string {
	var b strings.Builder
	b.WriteString(x.op.Key)
	b.WriteByte(0)
	b.Write(appendJSON(nil, x.vars)) // encoding/json sorts map keys
	b.WriteByte(0)
	b.WriteString(x.caller.scope)
	b.WriteByte(0)
	b.WriteString(headerKey)
	if withPlan {
		b.WriteString("\x00plan")
	}
	return b.String()
}

// execute runs a plan and returns the response body and the subgraph response headers the
// rules let through (nil without header rules).
func (g *Gateway) execute(ctx context.Context, x *admitted, plan *planner.Plan, withPlan bool) ([]byte, http.Header) {
	if g.headers == nil {
		body, _ := g.executePlan(ctx, x, plan, withPlan)
		return body, nil
	}
	hr := &headerRun{in: x.headers, out: g.headers.Collect()}
	body, failed := g.executePlan(withHeaderRun(ctx, hr), x, plan, withPlan)
	return body, hr.out.Header(failed)
}

// executePlan runs a plan and returns the response body; failed tells that it holds errors.
func (g *Gateway) executePlan(ctx context.Context, x *admitted, plan *planner.Plan, withPlan bool) (body []byte, failed bool) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.RequestTimeout)
	defer cancel()
	e := &execution{g: g, st: x.st, vars: x.prepared.vars, data: &tree.Object{}, errs: slices.Clone(x.errs),
		mutation: x.op.Kind == ast.Mutation, arena: getArena()}
	body, failed = g.answer(ctx, e, x, plan, withPlan)
	// The body holds all the response needs of the tree. Only on a normal return: after a
	// panic, fetches of a Parallel may still be using the arena, and the collector gets it.
	e.arena.release()
	return body, failed
}

// answer runs the plan in e and writes the response body.
func (g *Gateway) answer(ctx context.Context, e *execution, x *admitted, plan *planner.Plan, withPlan bool) (body []byte, failed bool) {
	p := &x.prepared
	e.run(ctx, plan.Node)
	if ctx.Err() != nil {
		e.errs = append(e.errs, newError(CodeTimeout, fmt.Sprintf("the operation did not finish within %s", g.cfg.RequestTimeout)))
	}
	e.introspection(p.op)
	pr := &projector{errs: e.errs, denied: x.denied, max: g.cfg.MaxResponseBytes, buf: getBuffer(int(min(e.received.Load()+1024, int64(g.cfg.MaxResponseBytes))))}
	pr.buf = append(pr.buf, `{"data":`...)
	if !pr.project(p.op.Selection, e.data) {
		pr.buf = append(pr.buf[:len(`{"data":`)], "null"...)
	}
	if pr.tooLarge {
		g.observation(ctx).ran(1)
		return appendJSON(nil, map[string]any{"data": nil, "errors": []gqlError{newError(CodeResponseTooLarge,
			fmt.Sprintf("the response would exceed %d bytes; select less, or ask the operator to raise max_response_bytes", g.cfg.MaxResponseBytes))}}), true
	}
	errs := append(e.errs, pr.add...)
	sortErrors(errs)
	g.observation(ctx).ran(len(errs))
	if len(errs) > 0 {
		pr.buf = append(pr.buf, `,"errors":`...)
		pr.buf = appendJSON(pr.buf, errs)
	}
	if ext := g.extensions(x, e.data, plan, withPlan); ext != nil {
		pr.buf = append(pr.buf, `,"extensions":`...)
		pr.buf = appendJSON(pr.buf, ext)
	}
	return append(pr.buf, '}'), len(errs) > 0
}

// extensions are the response's extensions: the query plan on request in dev mode, the cost
// when cost analysis is on.
func (g *Gateway) extensions(x *admitted, data *tree.Object, plan *planner.Plan, withPlan bool) map[string]any {
	var ext map[string]any
	if withPlan {
		ext = map[string]any{"queryPlan": map[string]any{"text": plan.String(), "node": plan.Node}}
	}
	if c := g.costReport(x, data); c != nil {
		if ext == nil {
			ext = map[string]any{}
		}
		ext["cost"] = c
	}
	return ext
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
		e.data.Set(f.Alias, tree.FromPlain(v))
	}
}

func writeRequestError(w http.ResponseWriter, mediaType string, status int, errs ...gqlError) {
	body := appendJSON(nil, map[string]any{"errors": errs})
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
