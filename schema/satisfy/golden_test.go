package satisfy

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

var update = flag.Bool("update", false, "rewrite testdata/*.errors.txt from Check's output")

// TestGolden checks each hand-written supergraph of testdata against its expected errors.
// A case file holds the join__Graph enum and the types; the test adds the schema block (with
// the root types the file defines) and the join/link definitions of testdata/header.sdl,
// which every case shares. The golden file lists each error as "[CODE] Coordinate", the
// message, and a blank line; it is empty for a satisfiable case.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.graphql")
	if len(files) == 0 {
		t.Fatal("no cases in testdata")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		t.Run(name, func(t *testing.T) {
			sg := loadCase(t, f)
			errs := Check(sg)
			checkWitnesses(t, sg, errs)
			got := formatErrors(errs)
			golden := strings.TrimSuffix(f, ".graphql") + ".errors.txt"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s\n--- got:\n%s\n--- want:\n%s", golden, got, want)
			}
		})
	}
}

// checkWitnesses validates every witness query of errs against the API schema, with
// __typename where the witness says "...".
func checkWitnesses(t *testing.T, sg *supergraph.Supergraph, errs []*Error) {
	t.Helper()
	for _, e := range errs {
		rest := e.Message
		for {
			_, after, ok := strings.Cut(rest, "API query:\n")
			if !ok {
				break
			}
			query, tail, _ := strings.Cut(after, "\n")
			for !strings.HasPrefix(strings.TrimSpace(tail), "cannot be satisfied") && !strings.HasPrefix(tail, "Shared field") && tail != "" {
				var line string
				line, tail, _ = strings.Cut(tail, "\n")
				if strings.TrimSpace(line) == "..." {
					line = "__typename"
				}
				query += "\n" + line
			}
			rest = tail
			doc, perr := parser.ParseQuery(&ast.Source{Input: query})
			if perr != nil {
				t.Errorf("%s: witness does not parse: %v\n%s", e.Coordinate, perr, query)
				continue
			}
			if verrs := validator.ValidateWithRules(sg.API, doc, nil); len(verrs) > 0 {
				t.Errorf("%s: witness is not a valid API query: %v\n%s", e.Coordinate, verrs, query)
			}
		}
	}
}

func formatErrors(errs []*Error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("[" + e.Code + "] " + e.Coordinate + "\n" + e.Message + "\n\n")
	}
	return b.String()
}

// loadCase loads a case file with the shared header.
func loadCase(tb testing.TB, path string) *supergraph.Supergraph {
	tb.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	sg, err := supergraph.Load(path, withHeader(tb, string(body)))
	if err != nil {
		tb.Fatalf("load %s: %v", path, err)
	}
	return sg
}

func withHeader(tb testing.TB, body string) string {
	header, err := os.ReadFile("testdata/header.sdl")
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("schema\n  @link(url: \"https://specs.apollo.dev/link/v1.0\")\n  @link(url: \"https://specs.apollo.dev/join/v0.4\", for: EXECUTION)\n{\n  query: Query\n")
	for _, r := range []string{"Mutation", "Subscription"} {
		if strings.Contains(body, "type "+r+" ") {
			b.WriteString("  " + strings.ToLower(r) + ": " + r + "\n")
		}
	}
	b.WriteString("}\n\n")
	b.Write(header)
	b.WriteString("\n" + body)
	return b.String()
}

// loadSDL loads a generated case body with the shared header.
func loadSDL(tb testing.TB, name, body string) *supergraph.Supergraph {
	tb.Helper()
	sg, err := supergraph.Load(name, withHeader(tb, body))
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return sg
}
