package compose

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of schema/testdata/compose")

// TestExamplesRoundTrip composes examples/supergraph.yaml and requires the committed
// examples/supergraph.graphql byte for byte (regenerate it with trellis compose).
func TestExamplesRoundTrip(t *testing.T) {
	subs, err := LoadConfig(context.Background(), "../../examples/supergraph.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../examples/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if res.SDL != string(want) {
		t.Errorf("composing examples/supergraph.yaml differs from examples/supergraph.graphql; regenerate it with\n  go run ./cmd/trellis compose --config examples/supergraph.yaml --output examples/supergraph.graphql\n%s", lineDiff(string(want), res.SDL))
	}
	if len(res.Hints) != 0 {
		t.Errorf("hints: %v", Errors(res.Hints))
	}
}

// TestOrderDoesNotMatter composes the same subgraphs in another order.
func TestOrderDoesNotMatter(t *testing.T) {
	subs, err := LoadConfig(context.Background(), "../../examples/supergraph.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	rev := append([]Subgraph(nil), subs...)
	sort.Slice(rev, func(i, j int) bool { return rev[i].Name > rev[j].Name })
	b, err := Compose(rev)
	if err != nil {
		t.Fatal(err)
	}
	if a.SDL != b.SDL {
		t.Error("the subgraphs' order changes the supergraph")
	}
}

// TestGolden runs the cases of schema/testdata/compose: subgraphs/*.graphql in, and either
// supergraph.graphql or errors.txt (one error per line, then the hints) out.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/compose/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			subs := readSubgraphs(t, dir)
			res, err := Compose(subs)
			got, file := goldenOutput(t, res, err)
			path := filepath.Join(dir, file)
			if *update {
				os.Remove(filepath.Join(dir, "supergraph.graphql"))
				os.Remove(filepath.Join(dir, "errors.txt"))
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatalf("%v (the composition gave %s:)\n%s", rerr, file, got)
			}
			if got != string(want) {
				t.Errorf("%s differs (run with -update and read the diff):\n%s", file, lineDiff(string(want), got))
			}
		})
	}
}

func goldenOutput(t *testing.T, res *Result, err error) (string, string) {
	t.Helper()
	if err != nil {
		var errs Errors
		if !errors.As(err, &errs) {
			t.Fatalf("Compose returned %T, not Errors: %v", err, err)
		}
		return err.Error() + "\n", "errors.txt"
	}
	out := res.SDL
	for _, h := range res.Hints {
		out += "# hint: " + h.Error() + "\n"
	}
	return out, "supergraph.graphql"
}

// readSubgraphs reads dir/subgraphs/NAME.graphql; URLs are http://NAME.
func readSubgraphs(t testing.TB, dir string) []Subgraph {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "subgraphs", "*.graphql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no subgraphs in %s: %v", dir, err)
	}
	var out []Subgraph
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		out = append(out, Subgraph{Name: name, URL: "http://" + name, SDL: string(data), File: filepath.Base(f)})
	}
	return out
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		b.WriteString("line " + itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
		if shown++; shown == 8 {
			break
		}
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
