// Package admintest runs a registry behind the admin API for tests: a SQLite file in a
// temporary folder, a stand-in composer and classifier that need no federation, and an
// httptest server.
//
// The stand-in composer concatenates the subgraphs' SDLs, each after a comment naming it and
// its routing URL; a subgraph whose SDL does not parse fails composition with an
// INVALID_GRAPHQL problem at the parser's position, and no subgraph at all with NO_SUBGRAPHS. The stand-in classifier compares the
// Type.field coordinates of the object types: a coordinate gone is BREAKING FIELD_REMOVED, a
// new one SAFE FIELD_ADDED. The stand-in policy validator accepts a YAML mapping whose keys
// are sections a policy may set (see ValidatePolicy).
package admintest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"gopkg.in/yaml.v3"
)

// AdminToken is the admin token of the registries Open makes.
const AdminToken = "admintest-admin-token-0123456789"

// Options has the stand-in composer and classifier.
func Options() registry.Options {
	return registry.Options{Compose: Compose, Diff: Diff, ValidatePolicy: ValidatePolicy, AdminToken: AdminToken}
}

// Open opens a registry with Options on a SQLite file in t.TempDir, bootstrapped with
// AdminToken; it is closed when the test ends.
func Open(t testing.TB) *registry.Registry {
	t.Helper()
	ctx := context.Background()
	reg, err := registry.Open(ctx, filepath.Join(t.TempDir(), "registry.db"), Options())
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	t.Cleanup(func() { reg.Close() })
	if _, _, err := reg.Bootstrap(ctx); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	return reg
}

// Server is a registry behind the admin API on an httptest server.
type Server struct {
	Reg   *registry.Registry
	Admin *admin.Server
	// URL is the server's base URL (the API is at URL + admin.Path).
	URL string
}

// Start serves a new registry (Open); everything stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	reg := Open(t)
	a := admin.New(reg, nil)
	srv := httptest.NewServer(a)
	t.Cleanup(func() {
		a.Close()
		srv.Close()
	})
	return &Server{Reg: reg, Admin: a, URL: srv.URL}
}

// Compose concatenates the sources, or reports those that do not parse.
func Compose(_ context.Context, subgraphs []registry.Source) (string, []registry.Problem, error) {
	if len(subgraphs) == 0 {
		return "", []registry.Problem{{Code: "NO_SUBGRAPHS", Message: "there is no subgraph to compose: publish one"}}, nil
	}
	var b strings.Builder
	var problems []registry.Problem
	for _, s := range subgraphs {
		if _, err := parser.ParseSchema(&ast.Source{Name: s.Name, Input: s.SDL}); err != nil {
			problems = append(problems, problem(s.Name, err))
			continue
		}
		fmt.Fprintf(&b, "# subgraph %s at %s\n%s\n", s.Name, s.RoutingURL, s.SDL)
	}
	if len(problems) > 0 {
		return "", problems, nil
	}
	return b.String(), nil, nil
}

func problem(name string, err error) registry.Problem {
	p := registry.Problem{Code: "INVALID_GRAPHQL", Message: err.Error(), Subgraph: name}
	if ge, ok := err.(*gqlerror.Error); ok {
		p.Message = ge.Message
		if len(ge.Locations) > 0 {
			p.Line, p.Column = ge.Locations[0].Line, ge.Locations[0].Column
		}
	}
	return p
}

// Diff compares the object fields of two concatenations.
func Diff(oldSDL, newSDL string) ([]registry.Change, error) {
	if oldSDL == "" {
		return nil, nil
	}
	before, err := fields(oldSDL)
	if err != nil {
		return nil, err
	}
	after, err := fields(newSDL)
	if err != nil {
		return nil, err
	}
	var changes []registry.Change
	for _, c := range before {
		if !slices.Contains(after, c) {
			changes = append(changes, registry.Change{Level: registry.LevelBreaking, Code: "FIELD_REMOVED", Coordinate: c,
				Message: "field " + c + " was removed: operations selecting it fail"})
		}
	}
	for _, c := range after {
		if !slices.Contains(before, c) {
			changes = append(changes, registry.Change{Level: registry.LevelSafe, Code: "FIELD_ADDED", Coordinate: c,
				Message: "field " + c + " was added"})
		}
	}
	return changes, nil
}

// fields lists the Type.field coordinates of the object types of sdl, sorted, once each.
func fields(sdl string) ([]string, error) {
	doc, err := parser.ParseSchema(&ast.Source{Input: sdl})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, defs := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, d := range defs {
			if d.Kind != ast.Object {
				continue
			}
			for _, f := range d.Fields {
				out = append(out, d.Name+"."+f.Name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// policySections are the top-level keys ValidatePolicy accepts.
var policySections = []string{"cost", "headers", "limits", "rate_limit", "resilience", "timeouts", "traffic"}

// ValidatePolicy stands in for the gateway's policy check: the document must be a YAML
// mapping of known sections; errors name the line and column, as "policy:LINE:COL: ...".
func ValidatePolicy(doc string) error {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		return fmt.Errorf("policy: %v", err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return fmt.Errorf("policy:1:1: the policy is a mapping of sections (%s)", strings.Join(policySections, ", "))
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; !slices.Contains(policySections, k.Value) {
			return fmt.Errorf("policy:%d:%d: key %q is not a policy section (%s)", k.Line, k.Column, k.Value, strings.Join(policySections, ", "))
		}
	}
	return nil
}
