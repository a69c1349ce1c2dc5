package graphqlhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// field is one of the four request parameters; fields are bits so that a set of them is a word.
type field uint8

const (
	fieldQuery field = 1 << iota
	fieldOperationName
	fieldVariables
	fieldExtensions

	fieldUnknown field = 0
)

func fieldOf(name string) field {
	switch name {
	case "query":
		return fieldQuery
	case "operationName":
		return fieldOperationName
	case "variables":
		return fieldVariables
	case "extensions":
		return fieldExtensions
	}
	return fieldUnknown
}

// params holds the parameters as decoded, before their types are checked, so that a body is
// known to be valid JSON before anything is said about its contents.
type params struct {
	seen                                        field
	query, operationName, variables, extensions any
}

func (p *params) set(f field, v any) {
	p.seen |= f
	switch f {
	case fieldQuery:
		p.query = v
	case fieldOperationName:
		p.operationName = v
	case fieldVariables:
		p.variables = v
	case fieldExtensions:
		p.extensions = v
	}
}

// request checks the parameter types. Null stands for an absent optional parameter, as the
// spec says; query has no such allowance, except in a persisted-query request, which sends
// extensions.persistedQuery instead.
func (p *params) request(where string) (*Request, *Error) {
	var req Request
	var err *Error
	if req.Extensions, err = object(where, "extensions", p.extensions); err != nil {
		return nil, err
	}
	_, persisted := req.Extensions["persistedQuery"]
	switch q := p.query.(type) {
	case string:
		req.Query = q
	case nil:
		if p.seen&fieldQuery == 0 && !persisted {
			return nil, errorf(http.StatusBadRequest, "%s: query is required", where)
		}
		if p.seen&fieldQuery != 0 {
			return nil, errorf(http.StatusBadRequest, "%s: query must be a string, got null", where)
		}
	default:
		return nil, errorf(http.StatusBadRequest, "%s: query must be a string, got %s", where, kind(p.query))
	}
	switch v := p.operationName.(type) {
	case nil:
	case string:
		req.OperationName = v
	default:
		return nil, errorf(http.StatusBadRequest, "%s: operationName must be a string or null, got %s", where, kind(v))
	}
	if req.Variables, err = object(where, "variables", p.variables); err != nil {
		return nil, err
	}
	return &req, nil
}

func object(where, name string, v any) (map[string]any, *Error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	}
	return nil, errorf(http.StatusBadRequest, "%s: %s must be a JSON object or null, got %s", where, name, kind(v))
}

// kind names the JSON type of a decoded value or of a json.Decoder token.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// decodeBody decodes a POST body token by token, which lets it name what is wrong (an array,
// a duplicate key, bytes after the object) and skip unknown keys without building their values.
func decodeBody(body []byte) (*Request, *Error) {
	const where = "request body"
	if p, ok := fastParams(body); ok {
		return p.request(where)
	}
	return decodeTokens(body)
}

// decodeTokens is decodeBody token by token.
func decodeTokens(body []byte) (*Request, *Error) {
	const where = "request body"
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	switch {
	case err == io.EOF:
		return nil, errorf(http.StatusBadRequest, "%s: empty; expected a JSON object", where)
	case err != nil:
		return nil, syntaxError(where, body, err)
	case tok == json.Delim('['):
		return nil, errorf(http.StatusBadRequest, "%s: batched requests are not supported", where)
	case tok != json.Delim('{'):
		return nil, errorf(http.StatusBadRequest, "%s: must be a JSON object, got %s", where, kind(tok))
	}
	var p params
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(where, body, err)
		}
		name, _ := tok.(string) // the decoder only yields strings in key position
		f := fieldOf(name)
		if f == fieldUnknown {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, syntaxError(where, body, err)
			}
			continue
		}
		if p.seen&f != 0 {
			// encoding/json would keep the last value; a proxy in front may keep the first.
			return nil, errorf(http.StatusBadRequest, "%s: key %q is given twice; give it once", where, name)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, syntaxError(where, body, err)
		}
		p.set(f, v)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxError(where, body, err)
	}
	if end := dec.InputOffset(); end < int64(len(body)) {
		rest := bytes.TrimLeft(body[end:], " \t\r\n")
		if len(rest) > 0 {
			return nil, errorf(http.StatusBadRequest, "%s: unexpected data after the JSON object at byte %d", where, len(body)-len(rest)+1)
		}
	}
	return p.request(where)
}

// decodeValue decodes one JSON value that must make up all of s, as a GET parameter does, or
// returns a jsonDetail of what is wrong. It validates first, which also catches trailing data,
// then decodes with UseNumber, which json.Unmarshal cannot do.
func decodeValue(s string) (any, string) {
	data := []byte(s)
	if !json.Valid(data) {
		return nil, jsonDetail(data, nil)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonDetail(data, err)
	}
	return v, ""
}

func syntaxError(where string, body []byte, err error) *Error {
	return errorf(http.StatusBadRequest, "%s: malformed JSON%s", where, jsonDetail(body, err))
}

// jsonDetail says where in data its JSON error is, as " at byte N: what". json.Decoder reports
// offsets that differ between Token and Decode, so the position comes from json.Unmarshal, whose
// offsets count from the start of its input (byte 1 is the first) and which stops at the same
// first error. It runs on the error path only.
func jsonDetail(data []byte, err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(json.Unmarshal(data, new(json.RawMessage)), &se):
		return fmt.Sprintf(" at byte %d: %s", se.Offset, se.Error())
	case err != nil:
		return ": " + err.Error()
	}
	return ": invalid JSON"
}
