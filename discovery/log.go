package discovery

import (
	"context"
	"log/slog"
	"strings"
)

// logWriter turns memberlist's log.Logger lines ("[WARN] memberlist: text") into slog
// records at debug level: memberlist is chatty about conditions a running cluster recovers
// from by itself (a refuted suspicion, a failed probe), and what matters to an operator is
// logged by this package at its own level (members joining, leaving, unreadable metadata).
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	if !w.log.Enabled(context.Background(), slog.LevelDebug) {
		return len(p), nil
	}
	line := strings.TrimSpace(string(p))
	severity := ""
	if strings.HasPrefix(line, "[") {
		if end := strings.IndexByte(line, ']'); end > 0 {
			severity, line = line[1:end], strings.TrimSpace(line[end+1:])
		}
	}
	line = strings.TrimPrefix(line, "memberlist: ")
	w.log.Debug("memberlist", "severity", severity, "text", line)
	return len(p), nil
}
