package graphqlhttp_test

import (
	"testing"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

func TestMediaType(t *testing.T) {
	const (
		gql  = graphqlhttp.GraphQLResponseJSON
		json = graphqlhttp.JSON
		none = ""
	)
	for _, tc := range []struct {
		accept string
		want   string
	}{
		{"", gql},
		{"  ", gql},
		{"application/graphql-response+json", gql},
		{"application/json", json},
		{"APPLICATION/JSON", json},
		{"application/graphql-response+json, application/json;q=0.9", gql},
		{"application/graphql-response+json; charset=utf-8, application/json; charset=utf-8", gql},
		{"application/json, application/graphql-response+json", gql},
		{"application/json, application/graphql-response+json;q=0.9", json},
		{"application/json;q=0.5, application/graphql-response+json;q=0.4", json},
		{"*/*", gql},
		{"application/*", gql},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", gql},
		{"application/json, */*;q=0.5", json},
		{"application/graphql-response+json;q=0, */*", json},
		{"application/json;q=0, */*", gql},
		{"application/*;q=0, */*", none},
		{"*/*;q=0", none},
		{"application/json; charset=UTF-8", json},
		{`application/graphql-response+json; charset="utf-8"`, gql},
		{"application/json; charset=iso-8859-1", none},
		{"application/graphql-response+json; charset=iso-8859-1, application/json", json},
		{"application/json; version=2", json},
		{" application/json ; q=0.5 , text/plain", json},
		{"application/json;q=0", none},
		{"application/json;q=abc", none},
		{"application/json;q=2", none},
		{"application/json;q=NaN, application/graphql-response+json;q=0.1", gql},
		{"application/json, application/json;q=0", json},
		{"text/html", none},
		{"text/*", none},
		{"application/graphql+json", none},
		{"application/xml", none},
		{"application", none},
		{"*/json", none},
		{"/", none},
		{",,,", none},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			got, ok := graphqlhttp.MediaType(tc.accept)
			if got != tc.want || ok != (tc.want != none) {
				t.Fatalf("MediaType(%q) = %q, %v; want %q, %v", tc.accept, got, ok, tc.want, tc.want != none)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		mediaType    string
		requestError bool
		want         int
	}{
		{graphqlhttp.GraphQLResponseJSON, true, 400},
		{graphqlhttp.GraphQLResponseJSON, false, 200},
		{graphqlhttp.JSON, true, 200},
		{graphqlhttp.JSON, false, 200},
		{"application/graphql-response+json; charset=utf-8", true, 400},
		{"Application/GraphQL-Response+JSON", true, 400},
		{"application/json; charset=utf-8", true, 200},
	} {
		if got := graphqlhttp.Status(tc.mediaType, tc.requestError); got != tc.want {
			t.Errorf("Status(%q, %v) = %d; want %d", tc.mediaType, tc.requestError, got, tc.want)
		}
	}
}
