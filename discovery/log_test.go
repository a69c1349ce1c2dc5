package discovery

import (
	"log"
	"log/slog"
	"strings"
	"testing"
)

func TestLogBridge(t *testing.T) {
	buf := &logBuf{}
	l := log.New(logWriter{slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}, "", 0)
	l.Printf("[WARN] memberlist: Refuting a suspect message (from: %s)", "gw")
	l.Printf("no level at all")
	got := buf.lines("")
	want := []string{
		`level=DEBUG msg=memberlist severity=WARN text="Refuting a suspect message (from: gw)"`,
		`level=DEBUG msg=memberlist severity="" text="no level at all"`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}

	quiet := &logBuf{}
	l = log.New(logWriter{quiet.logger()}, "", 0) // info level: memberlist's lines are dropped
	l.Printf("[ERR] memberlist: Failed to send ping")
	if got := quiet.lines(""); len(got) != 0 {
		t.Fatalf("memberlist line logged above debug: %q", got)
	}
}
