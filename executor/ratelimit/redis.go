package ratelimit

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

//go:embed gcra.lua
var gcraSource string

var gcra = redis.NewScript(gcraSource)

// remote is the Redis store. Safe for concurrent use; take blocks for at most the timeout.
type remote struct {
	client  *redis.Client
	prefix  string
	timeout time.Duration
}

func newRemote(cfg RedisConfig) (*remote, error) {
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("rate_limit.redis.url: %w", err)
	}
	// One attempt bounded by the timeout: a retry would only spend the time the request
	// should spend being decided in memory.
	opt.MaxRetries = -1
	opt.DialerRetries = 1
	opt.DialTimeout = cfg.Timeout
	opt.ReadTimeout = cfg.Timeout
	opt.WriteTimeout = cfg.Timeout
	opt.PoolTimeout = cfg.Timeout
	opt.ContextTimeoutEnabled = true
	// No handshake commands beyond HELLO: fewer round trips when reconnecting.
	opt.DisableIdentity = true
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return &remote{client: redis.NewClient(opt), prefix: cfg.Prefix, timeout: cfg.Timeout}, nil
}

// take runs one decision in Redis within the timeout.
func (r *remote) take(ctx context.Context, client string, b budget, cost float64) (Decision, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	res, err := gcra.Run(ctx, r.client, []string{r.prefix + client},
		b.limit, b.window.Microseconds(), cost, b.ceiling).Slice()
	if err != nil {
		return Decision{}, err
	}
	allowed, after, err := parseReply(res)
	if err != nil {
		return Decision{}, err
	}
	return b.decision(allowed, after, cost), nil
}

func parseReply(res []any) (allowed bool, after float64, err error) {
	if len(res) == 2 {
		flag, ok1 := res[0].(int64)
		level, ok2 := res[1].(string)
		if ok1 && ok2 {
			after, err = strconv.ParseFloat(level, 64)
			if err == nil {
				return flag == 1, after, nil
			}
		}
	}
	return false, 0, fmt.Errorf("ratelimit: unexpected reply from gcra.lua: %v", res)
}

func (r *remote) addr() string { return r.client.Options().Addr }

func (r *remote) close() error { return r.client.Close() }
