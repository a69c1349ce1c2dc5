package agent

import (
	"log"
	"log/slog"
	"strings"
)

// slogErrorLog routes net/http's server errors (refused TLS handshakes among them: the
// identity package's error says which identity and why) to slog at warn level.
func slogErrorLog(l *slog.Logger) *log.Logger {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return log.New(writer{l}, "", 0)
}

type writer struct{ l *slog.Logger }

func (w writer) Write(p []byte) (int, error) {
	w.l.Warn("agent: " + strings.TrimSpace(string(p)))
	return len(p), nil
}
