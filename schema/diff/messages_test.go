package diff

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/messages.golden")

// TestMessages holds every message of the change table in one golden file, so that a
// reworded message shows up in review. Regenerate with go test ./schema/diff -update.
func TestMessages(t *testing.T) {
	var b strings.Builder
	for _, c := range changeCases {
		b.WriteString("# " + c.name + "\n")
		for _, ch := range Schemas(load(t, c.old), load(t, c.new)) {
			b.WriteString(ch.String() + "\n")
		}
	}
	path := filepath.Join("testdata", "messages.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./schema/diff -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("messages differ from %s (rerun with -update and review the diff):\n%s", path, b.String())
	}
}
