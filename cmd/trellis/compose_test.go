package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestComposeExamples(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"compose", "--config", "../../examples/supergraph.yaml"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want, err := os.ReadFile("../../examples/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Error("trellis compose of examples/supergraph.yaml differs from examples/supergraph.graphql")
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr: %s", errOut.String())
	}
}

func TestComposeOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "supergraph.graphql")
	var out, errOut bytes.Buffer
	if code := run([]string{"compose", "--config", "../../examples/supergraph.yaml", "--output", path}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "enum join__Graph") || out.Len() != 0 {
		t.Errorf("the supergraph should go to the file only; stdout %q", out.String())
	}
}

func TestComposeErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	header := `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])` + "\n"
	write("a.graphql", header+`type Query { t: T } type T @key(fields: "id") { id: ID! name: String }`)
	write("b.graphql", header+`type T @key(fields: "nope") { id: ID! name: String }`)
	write("supergraph.yaml", "subgraphs:\n  a:\n    routing_url: http://a\n    schema: {file: a.graphql}\n  b:\n    routing_url: http://b\n    schema: {file: b.graphql}\n")
	var out, errOut bytes.Buffer
	code := run([]string{"compose", "--config", filepath.Join(dir, "supergraph.yaml")}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("no supergraph on failure, got %q", out.String())
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "b.graphql:2:9: KEY_INVALID_FIELDS: [b] T:") ||
		lines[1] != "trellis compose: composition failed with 1 error(s)" {
		t.Errorf("stderr:\n%s", errOut.String())
	}
}

func TestComposeUsage(t *testing.T) {
	for _, args := range [][]string{{"compose"}, {"compose", "--nope"}, {"compose", "--config", "x.yaml", "extra"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"compose", "--config", "does-not-exist.yaml"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "does-not-exist.yaml") {
		t.Errorf("missing config: exit %d, stderr %q", code, errOut.String())
	}
}
