package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// redisLog sends go-redis's own messages (failed dials while Redis is down) to the gateway's
// log at debug level: the rate limiter and the entity cache already log Redis going down and
// coming back, once each.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis client", "message", fmt.Sprintf(format, v...))
}

func useRedisLog(log *slog.Logger) { redis.SetLogger(redisLog{log}) }
