package subgraphtest

import (
	"errors"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Error codes, in extensions.code, of requests that do not execute. They are
// Apollo Server's.
const (
	codeParse     = "GRAPHQL_PARSE_FAILED"
	codeInvalid   = "GRAPHQL_VALIDATION_FAILED"
	codeVariables = "BAD_USER_INPUT"
	codeOperation = "OPERATION_RESOLUTION_FAILURE"
)

// run parses, validates and executes a request.
func (s *Subgraph) run(req Request) *response {
	doc, err := parser.ParseQuery(&ast.Source{Name: "query", Input: req.Query})
	if err != nil {
		return requestFailure(codeParse, err)
	}
	if errs := validator.ValidateWithRules(s.fed.schema, doc, nil); len(errs) > 0 {
		resp := &response{}
		for _, e := range errs {
			resp.errors = append(resp.errors, requestError(codeInvalid, e))
		}
		return resp
	}
	op, msg := operation(doc, req.OperationName)
	if op == nil {
		return &response{errors: []gqlError{{message: msg, code: codeOperation}}}
	}
	if op.Operation == ast.Subscription {
		return &response{errors: []gqlError{{message: "subscriptions are not supported by subgraphtest", code: codeOperation}}}
	}
	// VariableValues coerces in place (a single value to a list), and the
	// executor wants the values as sent.
	if _, err := validator.VariableValues(s.fed.schema, op, deepCopy(req.Variables).(map[string]any)); err != nil {
		return requestFailure(codeVariables, err)
	}
	e := &executor{s: s, doc: doc, op: op, vars: req.Variables}
	return e.execute()
}

func requestFailure(code string, err error) *response {
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = &gqlerror.Error{Message: err.Error()}
	}
	return &response{errors: []gqlError{requestError(code, gqlErr)}}
}

// operation picks the operation a request names.
func operation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, string) {
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0], ""
		}
		return nil, "the document holds several operations: name the one to run"
	}
	if op := doc.Operations.ForName(name); op != nil {
		return op, ""
	}
	return nil, `unknown operation "` + name + `"`
}

// deepCopy copies decoded JSON.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			out[k] = deepCopy(item)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = deepCopy(item)
		}
		return out
	default:
		return v
	}
}
