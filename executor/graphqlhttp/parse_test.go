package graphqlhttp_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

type parseCase struct {
	name    string
	req     *http.Request
	cfg     graphqlhttp.Config
	want    *graphqlhttp.Request
	wantErr *graphqlhttp.Error
}

func runParseCases(t *testing.T, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := graphqlhttp.Parse(tc.req, tc.cfg)
			if tc.wantErr != nil {
				var e *graphqlhttp.Error
				if !errors.As(err, &e) {
					t.Fatalf("Parse() = %+v, %v; want *Error %+v", got, err, tc.wantErr)
				}
				if got != nil {
					t.Errorf("Parse() returned a request with an error: %+v", got)
				}
				if *e != *tc.wantErr {
					t.Fatalf("Parse() error\n got %#v\nwant %#v", *e, *tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse()\n got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func bad(msg string) *graphqlhttp.Error {
	return &graphqlhttp.Error{Status: http.StatusBadRequest, Message: msg}
}

func unsupported(msg string) *graphqlhttp.Error {
	return &graphqlhttp.Error{Status: http.StatusUnsupportedMediaType, Message: msg}
}

func tooLarge(limit int) *graphqlhttp.Error {
	return &graphqlhttp.Error{Status: http.StatusRequestEntityTooLarge, Message: "request body: exceeds the limit of " + strconv.Itoa(limit) + " bytes"}
}

func TestParsePost(t *testing.T) {
	q := func(query string) *graphqlhttp.Request {
		return &graphqlhttp.Request{Query: query, Method: http.MethodPost}
	}
	runParseCases(t, []parseCase{
		{name: "query only", req: postJSON(`{"query":"{a}"}`), want: q("{a}")},
		{
			name: "all parameters, numbers kept exact",
			req:  postJSON(`{"query":"query Q($n: Float){a(n: $n)}","operationName":"Q","variables":{"n":1.50,"big":12345678901234567890,"list":[1,"x",null],"obj":{"b":true}},"extensions":{"persistedQuery":{"version":1}}}`),
			want: &graphqlhttp.Request{
				Query:         "query Q($n: Float){a(n: $n)}",
				OperationName: "Q",
				Variables: map[string]any{
					"n":    json.Number("1.50"),
					"big":  json.Number("12345678901234567890"),
					"list": []any{json.Number("1"), "x", nil},
					"obj":  map[string]any{"b": true},
				},
				Extensions: map[string]any{"persistedQuery": map[string]any{"version": json.Number("1")}},
				Method:     http.MethodPost,
			},
		},
		{name: "nulls for optional parameters", req: postJSON(`{"query":"{a}","operationName":null,"variables":null,"extensions":null}`), want: q("{a}")},
		{name: "empty objects", req: postJSON(`{"query":"{a}","variables":{},"extensions":{}}`), want: &graphqlhttp.Request{Query: "{a}", Variables: map[string]any{}, Extensions: map[string]any{}, Method: http.MethodPost}},
		{name: "empty query is well-formed", req: postJSON(`{"query":""}`), want: q("")},
		{name: "unknown keys ignored, even repeated", req: postJSON(`{"qeury":1,"query":"{a}","id":[1,{"x":2}],"id":null,"Query":5}`), want: q("{a}")},
		{name: "whitespace around the object", req: postJSON(" \n\t{ \"query\" : \"{a}\" }\r\n "), want: q("{a}")},
		{name: "escaped and non-ASCII query", req: postJSON(`{"query":"{ a(s: \"\u00e9\\n\") b }"}`), want: q("{ a(s: \"é\\n\") b }")},
		{name: "charset utf-8", req: post(`{"query":"{a}"}`, "Content-Type", "application/json; charset=utf-8"), want: q("{a}")},
		{name: "media type and charset are case-insensitive", req: post(`{"query":"{a}"}`, "Content-Type", `Application/JSON;Charset="UTF-8"`), want: q("{a}")},
		{name: "charset utf8 alias", req: post(`{"query":"{a}"}`, "Content-Type", "application/json;charset=utf8"), want: q("{a}")},
		{name: "other parameters ignored", req: post(`{"query":"{a}"}`, "Content-Type", "application/json; boundary=x"), want: q("{a}")},
		{name: "unknown length", req: streamed(postJSON(`{"query":"{a}"}`)), want: q("{a}")},
		{name: "URL query ignored on POST", req: func() *http.Request {
			r := postJSON(`{"query":"{a}"}`)
			r.URL.RawQuery = "query=%7Bb%7D"
			return r
		}(), want: q("{a}")},

		{name: "missing Content-Type", req: post(`{"query":"{a}"}`), wantErr: unsupported("request body: missing Content-Type header; send application/json")},
		{name: "text/plain", req: post(`{"query":"{a}"}`, "Content-Type", "text/plain"), wantErr: unsupported(`request body: unsupported Content-Type "text/plain"; send application/json`)},
		{name: "response media type as request type", req: post(`{"query":"{a}"}`, "Content-Type", "application/graphql-response+json"), wantErr: unsupported(`request body: unsupported Content-Type "application/graphql-response+json"; send application/json`)},
		{name: "application/graphql", req: post(`{a}`, "Content-Type", "application/graphql"), wantErr: unsupported(`request body: unsupported Content-Type "application/graphql"; send application/json`)},
		{name: "form encoded", req: post(`query=%7Ba%7D`, "Content-Type", "application/x-www-form-urlencoded"), wantErr: unsupported(`request body: unsupported Content-Type "application/x-www-form-urlencoded"; send application/json`)},
		{name: "other charset", req: post(`{"query":"{a}"}`, "Content-Type", "application/json; charset=iso-8859-1"), wantErr: unsupported(`request body: unsupported charset "iso-8859-1"; send application/json with charset=utf-8`)},
		{name: "malformed Content-Type", req: post(`{"query":"{a}"}`, "Content-Type", "application/json; charset"), wantErr: unsupported(`request body: malformed Content-Type "application/json; charset": mime: invalid media parameter; send application/json`)},

		{name: "empty body", req: postJSON(""), wantErr: bad("request body: empty; expected a JSON object")},
		{name: "whitespace body", req: postJSON(" \n "), wantErr: bad("request body: empty; expected a JSON object")},
		{name: "nil body", req: func() *http.Request { r := postJSON(""); r.Body = nil; return r }(), wantErr: bad("request body: empty; expected a JSON object")},
		{name: "not JSON", req: postJSON("NONSENSE"), wantErr: bad("request body: malformed JSON at byte 1: invalid character 'N' looking for beginning of value")},
		{name: "truncated after key", req: postJSON(`{"query":`), wantErr: bad("request body: malformed JSON at byte 9: unexpected end of JSON input")},
		{name: "truncated object", req: postJSON(`{"query":"{a}"`), wantErr: bad("request body: malformed JSON at byte 14: unexpected end of JSON input")},
		{name: "truncated string", req: postJSON(`{"query":"{a`), wantErr: bad("request body: malformed JSON at byte 12: unexpected end of JSON input")},
		{name: "trailing comma", req: postJSON(`{"query":"{a}",}`), wantErr: bad("request body: malformed JSON at byte 16: invalid character '}' looking for beginning of object key string")},
		{name: "missing colon", req: postJSON(`{"query" "{a}"}`), wantErr: bad("request body: malformed JSON at byte 10: invalid character '\"' after object key")},
		{name: "bad value in unknown key", req: postJSON(`{"query":"{a}","x":[1,}`), wantErr: bad("request body: malformed JSON at byte 23: invalid character '}' looking for beginning of value")},
		{name: "trailing garbage", req: postJSON(`{"query":"{a}"} x`), wantErr: bad("request body: unexpected data after the JSON object at byte 17")},
		{name: "second object", req: postJSON(`{"query":"{a}"}{"query":"{b}"}`), wantErr: bad("request body: unexpected data after the JSON object at byte 16")},
		{name: "batched", req: postJSON(`[{"query":"{a}"},{"query":"{b}"}]`), wantErr: bad("request body: batched requests are not supported")},
		{name: "batched after whitespace", req: postJSON(` [`), wantErr: bad("request body: batched requests are not supported")},
		{name: "string body", req: postJSON(`"{a}"`), wantErr: bad("request body: must be a JSON object, got string")},
		{name: "number body", req: postJSON(`42`), wantErr: bad("request body: must be a JSON object, got number")},
		{name: "boolean body", req: postJSON(`true`), wantErr: bad("request body: must be a JSON object, got boolean")},
		{name: "null body", req: postJSON(`null`), wantErr: bad("request body: must be a JSON object, got null")},
		{name: "empty object", req: postJSON(`{}`), wantErr: bad("request body: query is required")},
		{name: "persisted query without query", req: postJSON(`{"extensions":{"persistedQuery":{"version":1}}}`), want: &graphqlhttp.Request{Method: "POST", Extensions: map[string]any{"persistedQuery": map[string]any{"version": json.Number("1")}}}},
		{name: "persisted query with null query", req: postJSON(`{"query":null,"extensions":{"persistedQuery":{}}}`), wantErr: bad("request body: query must be a string, got null")},
		{name: "misspelled query", req: postJSON(`{"qeury":"{a}"}`), wantErr: bad("request body: query is required")},
		{name: "query key is case-sensitive", req: postJSON(`{"Query":"{a}"}`), wantErr: bad("request body: query is required")},
		{name: "query null", req: postJSON(`{"query":null}`), wantErr: bad("request body: query must be a string, got null")},
		{name: "query number", req: postJSON(`{"query":1}`), wantErr: bad("request body: query must be a string, got number")},
		{name: "query boolean", req: postJSON(`{"query":false}`), wantErr: bad("request body: query must be a string, got boolean")},
		{name: "query array", req: postJSON(`{"query":["{a}"]}`), wantErr: bad("request body: query must be a string, got array")},
		{name: "query object", req: postJSON(`{"query":{}}`), wantErr: bad("request body: query must be a string, got object")},
		{name: "operationName number", req: postJSON(`{"query":"{a}","operationName":1}`), wantErr: bad("request body: operationName must be a string or null, got number")},
		{name: "operationName array", req: postJSON(`{"query":"{a}","operationName":["Q"]}`), wantErr: bad("request body: operationName must be a string or null, got array")},
		{name: "operationName object", req: postJSON(`{"query":"{a}","operationName":{}}`), wantErr: bad("request body: operationName must be a string or null, got object")},
		{name: "operationName boolean", req: postJSON(`{"query":"{a}","operationName":true}`), wantErr: bad("request body: operationName must be a string or null, got boolean")},
		{name: "variables array", req: postJSON(`{"query":"query Q ($i:Int!) { q(i: $i) }","variables":[7]}`), wantErr: bad("request body: variables must be a JSON object or null, got array")},
		{name: "variables string", req: postJSON(`{"query":"{a}","variables":"{}"}`), wantErr: bad("request body: variables must be a JSON object or null, got string")},
		{name: "variables number", req: postJSON(`{"query":"{a}","variables":0}`), wantErr: bad("request body: variables must be a JSON object or null, got number")},
		{name: "variables boolean", req: postJSON(`{"query":"{a}","variables":true}`), wantErr: bad("request body: variables must be a JSON object or null, got boolean")},
		{name: "extensions array", req: postJSON(`{"query":"{a}","extensions":[]}`), wantErr: bad("request body: extensions must be a JSON object or null, got array")},
		{name: "extensions string", req: postJSON(`{"query":"{a}","extensions":"x"}`), wantErr: bad("request body: extensions must be a JSON object or null, got string")},
		{name: "duplicate query", req: postJSON(`{"query":"{a}","query":"mutation{b}"}`), wantErr: bad(`request body: key "query" is given twice; give it once`)},
		{name: "duplicate variables", req: postJSON(`{"query":"{a}","variables":{},"variables":null}`), wantErr: bad(`request body: key "variables" is given twice; give it once`)},
		{name: "syntax beats types", req: postJSON(`{"query":1} x`), wantErr: bad("request body: unexpected data after the JSON object at byte 13")},
	})
}

func TestParseGet(t *testing.T) {
	g := func(r *graphqlhttp.Request) *graphqlhttp.Request { r.Method = http.MethodGet; return r }
	runParseCases(t, []parseCase{
		{name: "query only", req: get("query=%7Ba%7D"), want: g(&graphqlhttp.Request{Query: "{a}"})},
		{
			name: "spec example",
			req:  get("query=query(%24id%3A%20ID!)%7Buser(id%3A%24id)%7Bname%7D%7D&variables=%7B%22id%22%3A%22QVBJcy5ndXJ1%22%7D"),
			want: g(&graphqlhttp.Request{Query: "query($id: ID!){user(id:$id){name}}", Variables: map[string]any{"id": "QVBJcy5ndXJ1"}}),
		},
		{
			name: "all parameters, numbers kept exact",
			req:  get("query=query+Q%7Ba%7D&operationName=Q&variables=%7B%22n%22%3A1.50%7D&extensions=%7B%22v%22%3A1%7D&unknown=x"),
			want: g(&graphqlhttp.Request{Query: "query Q{a}", OperationName: "Q", Variables: map[string]any{"n": json.Number("1.50")}, Extensions: map[string]any{"v": json.Number("1")}}),
		},
		{name: "empty operationName, variables and extensions are absent", req: get("query=%7Ba%7D&operationName=&variables=&extensions="), want: g(&graphqlhttp.Request{Query: "{a}"})},
		{name: "null variables and extensions", req: get("query=%7Ba%7D&variables=null&extensions=+null+"), want: g(&graphqlhttp.Request{Query: "{a}"})},
		{name: "operationName null is the name null", req: get("query=query+null%7Ba%7D&operationName=null"), want: g(&graphqlhttp.Request{Query: "query null{a}", OperationName: "null"})},
		{name: "empty query is well-formed", req: get("query="), want: g(&graphqlhttp.Request{})},
		{name: "body and Content-Type ignored", req: func() *http.Request {
			r := get("query=%7Ba%7D")
			r.Header.Set("Content-Type", "text/plain")
			r.Body = io.NopCloser(strings.NewReader("garbage"))
			return r
		}(), want: g(&graphqlhttp.Request{Query: "{a}"})},

		{name: "no parameters", req: get(""), wantErr: bad("query string: query is required")},
		{name: "query missing", req: get("variables=%7B%7D"), wantErr: bad("query string: query is required")},
		{name: "query twice", req: get("query=%7Ba%7D&query=%7Bb%7D"), wantErr: bad(`query string: parameter "query" is given 2 times; give it once`)},
		{name: "variables twice", req: get("query=%7Ba%7D&variables=&variables=%7B%7D"), wantErr: bad(`query string: parameter "variables" is given 2 times; give it once`)},
		{name: "bad escape", req: get("query=%zz"), wantErr: bad(`query string: malformed: invalid URL escape "%zz"`)},
		{name: "semicolon separator", req: get("query=%7Ba%7D;variables=%7B%7D"), wantErr: bad("query string: malformed: invalid semicolon separator in query")},
		{name: "variables not JSON", req: get("query=%7Ba%7D&variables=%7B"), wantErr: bad("query string: variables is not valid JSON at byte 1: unexpected end of JSON input")},
		{name: "variables bad JSON", req: get("query=%7Ba%7D&variables=%7Bx%7D"), wantErr: bad("query string: variables is not valid JSON at byte 2: invalid character 'x' looking for beginning of object key string")},
		{name: "variables trailing data", req: get("query=%7Ba%7D&variables=%7B%7D+x"), wantErr: bad("query string: variables is not valid JSON at byte 4: invalid character 'x' after top-level value")},
		{name: "variables array", req: get("query=%7Ba%7D&variables=%5B7%5D"), wantErr: bad("query string: variables must be a JSON object or null, got array")},
		{name: "variables string", req: get("query=%7Ba%7D&variables=%22x%22"), wantErr: bad("query string: variables must be a JSON object or null, got string")},
		{name: "extensions number", req: get("query=%7Ba%7D&extensions=1"), wantErr: bad("query string: extensions must be a JSON object or null, got number")},
		{name: "extensions not JSON", req: get("query=%7Ba%7D&extensions=x"), wantErr: bad("query string: extensions is not valid JSON at byte 1: invalid character 'x' looking for beginning of value")},
	})
}

func TestParseMethod(t *testing.T) {
	var cases []parseCase
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions, "get", "PROPFIND"} {
		r := postJSON(`{"query":"{a}"}`)
		r.Method = m
		cases = append(cases, parseCase{
			name:    m,
			req:     r,
			wantErr: &graphqlhttp.Error{Status: http.StatusMethodNotAllowed, Message: "method " + m + " is not allowed; use GET or POST", Allow: "GET, POST"},
		})
	}
	runParseCases(t, cases)
}
