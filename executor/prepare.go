package executor

import (
	"errors"
	"fmt"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// prepared is an operation ready to plan: validated, with coerced variables, normalized.
type prepared struct {
	op   *planner.Operation
	vars map[string]any
}

// requestError is a failure before execution: the response has errors and no data.
type requestError struct {
	status int    // an HTTP status that overrides the media-type rule, 0 for none
	allow  string // the Allow header of a 405
	errs   []gqlError
}

func (e *requestError) Error() string { return e.errs[0].Message }

// prepare parses, validates and normalizes the request's operation.
func (st *state) prepare(req *graphqlhttp.Request, maxTokens int, limits Limits) (*prepared, *requestError) {
	if req.Query == "" {
		return nil, &requestError{status: 400, errs: []gqlError{newError(CodeBadRequest, "request has no query: send a GraphQL document in \"query\"")}}
	}
	d := st.document(req.Query, maxTokens, limits)
	if d.errs != nil {
		return nil, d.errs
	}
	op, rerr := pickOperation(d.doc, req.OperationName)
	if rerr != nil {
		return nil, rerr
	}
	if req.Method == "GET" && op.Operation != ast.Query {
		return nil, &requestError{status: 405, errs: []gqlError{newError(CodeBadRequest,
			fmt.Sprintf("%s operations cannot be sent with GET; use POST", op.Operation))}}
	}
	if op.Operation == ast.Subscription {
		return nil, &requestError{errs: []gqlError{newError(CodeBadRequest, "subscriptions are not supported yet")}}
	}
	raw, _ := plainNumbers(req.Variables).(map[string]any)
	vars, err := validator.VariableValues(st.sg.API, op, raw)
	if err != nil {
		return nil, &requestError{errs: fromGQL(CodeBadVariables, err)}
	}
	norm, err := st.normalized(req.Query, d, op, vars)
	if err != nil {
		return nil, &requestError{errs: []gqlError{newError(CodeValidationFailed, err.Error())}}
	}
	return &prepared{op: norm, vars: vars}, nil
}

func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *requestError) {
	fail := func(msg string) *requestError {
		return &requestError{errs: []gqlError{newError(CodeOperationUnknown, msg)}}
	}
	if name == "" {
		if len(doc.Operations) != 1 {
			return nil, fail("the document has several operations: name one in \"operationName\"")
		}
		return doc.Operations[0], nil
	}
	op := doc.Operations.ForName(name)
	if op == nil {
		return nil, fail(fmt.Sprintf("unknown operation named %q", name))
	}
	return op, nil
}

func fromGQL(code string, err error) []gqlError {
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		return fromGQLList(code, gqlerror.List{ge})
	}
	var gl gqlerror.List
	if errors.As(err, &gl) {
		return fromGQLList(code, gl)
	}
	return []gqlError{newError(code, err.Error())}
}

func fromGQLList(code string, list gqlerror.List) []gqlError {
	out := make([]gqlError, 0, len(list))
	for _, e := range list {
		ge := newError(code, e.Message)
		for _, l := range e.Locations {
			ge.Locations = append(ge.Locations, location{Line: l.Line, Column: l.Column})
		}
		if len(e.Path) > 0 {
			for _, p := range e.Path {
				switch p := p.(type) {
				case ast.PathName:
					ge.Path = append(ge.Path, string(p))
				case ast.PathIndex:
					ge.Path = append(ge.Path, int(p))
				}
			}
		}
		out = append(out, ge)
	}
	return out
}
