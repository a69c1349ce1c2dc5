package graphqlhttp

import (
	"net/http"
	"net/url"
)

// Request is a well-formed GraphQL-over-HTTP request. Nothing in it has been checked against
// GraphQL grammar or a schema.
type Request struct {
	// Query is the GraphQL document source; it may be empty or unparseable.
	Query string
	// OperationName selects the operation to run; empty when absent, null or "".
	OperationName string
	// Variables are the variable values, numbers as json.Number; nil when absent or null.
	Variables map[string]any
	// Extensions is the extensions object, numbers as json.Number; nil when absent or null.
	Extensions map[string]any
	// Method is http.MethodGet or http.MethodPost; the executor refuses mutations over GET.
	Method string
}

const allowedMethods = "GET, POST"

// Parse reads a GraphQL request from the URL query of a GET or the JSON body of a POST.
// On failure it returns an *Error carrying the status to answer with. It reads at most
// cfg.MaxBodyBytes+1 bytes of body and does not close r.Body (net/http does).
func Parse(r *http.Request, cfg Config) (*Request, error) {
	var (
		req *Request
		err *Error
	)
	switch r.Method {
	case http.MethodGet:
		req, err = parseGet(r)
	case http.MethodPost:
		req, err = parsePost(r, cfg.maxBodyBytes())
	default:
		err = errorf(http.StatusMethodNotAllowed, "method %s is not allowed; use GET or POST", r.Method)
		err.Allow = allowedMethods
	}
	if err != nil {
		return nil, err
	}
	req.Method = r.Method
	return req, nil
}

// parseGet reads the parameters from the URL query. A parameter given twice is refused rather
// than resolved, so that the gateway and anything in front of it cannot disagree on which
// value counts. Empty variables and extensions count as absent: GraphiQL-style clients send
// "variables=" for "none".
func parseGet(r *http.Request) (*Request, *Error) {
	const where = "query string"
	var raw string
	if r.URL != nil {
		raw = r.URL.RawQuery
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "%s: malformed: %v", where, err)
	}
	var p params
	for _, name := range [...]string{"query", "operationName", "variables", "extensions"} {
		vs, ok := values[name]
		if !ok {
			continue
		}
		if len(vs) > 1 {
			return nil, errorf(http.StatusBadRequest, "%s: parameter %q is given %d times; give it once", where, name, len(vs))
		}
		f := fieldOf(name)
		switch v := vs[0]; f {
		case fieldQuery, fieldOperationName:
			p.set(f, v)
		default:
			if v == "" {
				continue
			}
			decoded, problem := decodeValue(v)
			if problem != "" {
				return nil, errorf(http.StatusBadRequest, "%s: %s is not valid JSON%s", where, name, problem)
			}
			p.set(f, decoded)
		}
	}
	return p.request(where)
}

func parsePost(r *http.Request, limit int64) (*Request, *Error) {
	if err := checkContentType(r.Header); err != nil {
		return nil, err
	}
	body, err := readBody(r, limit)
	if err != nil {
		return nil, err
	}
	return decodeBody(body)
}
