package compose

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "supergraph.yaml")
}

func TestLoadConfigSubgraphURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":{"_service":{"sdl":"type Query { a: Int }"}}}`))
	}))
	defer srv.Close()
	path := writeConfig(t, map[string]string{"supergraph.yaml": "federation_version: =2.3.2\nsubgraphs:\n  live:\n    schema:\n      subgraph_url: " + srv.URL + "\n"})
	subs, err := LoadConfig(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].Name != "live" || subs[0].URL != srv.URL || subs[0].SDL != "type Query { a: Int }" {
		t.Errorf("got %+v", subs)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"errors":[{"message":"Cannot query field \"_service\" on type \"Query\"."}]}`))
	}))
	defer failing.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	cases := []struct{ name, yaml, want string }{
		{"no subgraphs", "federation_version: =2.3.2\n", "no subgraphs"},
		{"unknown key", "subgraphs:\n  a:\n    routing: x\n", "field routing not found"},
		{"missing file", "subgraphs:\n  a:\n    routing_url: http://a\n    schema: {file: nope.graphql}\n", "nope.graphql"},
		{"no schema", "subgraphs:\n  a:\n    routing_url: http://a\n", "schema needs file"},
		{"both", "subgraphs:\n  a:\n    routing_url: http://a\n    schema: {file: a.graphql, subgraph_url: http://a}\n", "keep one"},
		{"no routing url", "subgraphs:\n  a:\n    schema: {file: a.graphql}\n", "routing_url is missing"},
		{"not federation", "subgraphs:\n  a:\n    schema: {subgraph_url: " + failing.URL + "}\n", "_service field"},
		{"down", "subgraphs:\n  a:\n    schema: {subgraph_url: " + down.URL + "}\n", "is the subgraph running?"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeConfig(t, map[string]string{"supergraph.yaml": c.yaml, "a.graphql": "type Query { a: Int }"})
			_, err := LoadConfig(context.Background(), path)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestInternalError: a supergraph the loader refuses is reported as INTERNAL.
func TestInternalError(t *testing.T) {
	c := &collector{}
	check("schema { query: Query } type Query { a: Int }", c)
	if len(c.errs) != 1 || c.errs[0].Code != "INTERNAL" || !strings.Contains(c.errs[0].Message, "no join spec linked") {
		t.Errorf("got %v", Errors(c.errs))
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{Code: "X", Subgraph: "a", Coordinate: "T.f", File: "a.graphql", Line: 3, Column: 4, Message: "fix it"}
	if got := e.Error(); got != "a.graphql:3:4: X: [a] T.f: fix it" {
		t.Errorf("got %q", got)
	}
	bare := &Error{Code: "NO_QUERIES", Message: "m"}
	if got := (Errors{e, bare}).Error(); got != "a.graphql:3:4: X: [a] T.f: fix it\nNO_QUERIES: m" {
		t.Errorf("got %q", got)
	}
}

func TestNoSubgraphs(t *testing.T) {
	_, err := Compose(nil)
	if err == nil || !strings.Contains(err.Error(), "NO_SUBGRAPHS") {
		t.Errorf("got %v", err)
	}
}

func TestDuplicateNames(t *testing.T) {
	sdl := "type Query { a: Int }"
	_, err := Compose([]Subgraph{{Name: "a", SDL: sdl}, {Name: "a", SDL: sdl}})
	if err == nil || !strings.Contains(err.Error(), `two subgraphs are named "a"`) {
		t.Errorf("got %v", err)
	}
}
