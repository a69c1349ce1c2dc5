package resilience

import (
	"context"
	"log/slog"
)

// logger writes the client's events with constant keys. Breaker transitions are warnings
// (ejected, still failing) or info (restored); retries, refused retries and injected faults
// are debug lines, as they come with the requests.
type logger struct{ l *slog.Logger }

func (lg *logger) changes(ctx context.Context, cs []change) {
	for _, c := range cs {
		level := slog.LevelWarn
		if c.kind == "restored" {
			level = slog.LevelInfo
		}
		lg.l.LogAttrs(ctx, level, "endpoint "+c.kind,
			slog.String("service", c.service),
			slog.String("endpoint", c.id),
			slog.String("url", c.url),
			slog.String("reason", c.reason),
			slog.Duration("ejection", c.ejection),
			slog.Int("ejections", c.ejections))
	}
}

func (lg *logger) retry(ctx context.Context, service string, attempt int, reason string) {
	if lg.l.Enabled(ctx, slog.LevelDebug) {
		lg.l.LogAttrs(ctx, slog.LevelDebug, "retry",
			slog.String("service", service), slog.Int("attempt", attempt), slog.String("reason", reason))
	}
}

func (lg *logger) retryRefused(ctx context.Context, service, reason string) {
	if lg.l.Enabled(ctx, slog.LevelDebug) {
		lg.l.LogAttrs(ctx, slog.LevelDebug, "retry refused by budget",
			slog.String("service", service), slog.String("reason", reason))
	}
}

func (lg *logger) fault(ctx context.Context, service, fault string, attr slog.Attr) {
	if lg.l.Enabled(ctx, slog.LevelDebug) {
		lg.l.LogAttrs(ctx, slog.LevelDebug, "fault injected",
			slog.String("service", service), slog.String("fault", fault), attr)
	}
}
