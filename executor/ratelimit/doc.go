// Package ratelimit limits each client to a budget of GraphQL cost points per time window.
//
// It sits on the request path after the cost estimate and before planning and execution: the
// gateway identifies the client (JWT subject, API key or address; not this package's concern),
// estimates the operation's cost, and calls Limiter.Take with both. A refused Decision becomes
// a 429 with Retry-After; every response carries the RateLimit-* headers (Decision.SetHeaders).
//
// The budget refills continuously (GCRA, equivalent to a token bucket whose capacity is the
// whole budget): a client with a budget of 600 points per minute gets back 10 points each
// second, and one idle for a minute has the full 600 again, which it may spend at once.
//
// By default the state lives in memory, in sharded maps of at most Config.MaxClients clients.
// With Config.Redis.URL set, gateways share budgets through Redis: one Lua script per decision
// reads and updates a client's state atomically, on the Redis clock. When Redis is slow or
// down, decisions fall back to the in-memory limiter after Redis.Timeout, and Redis is probed
// again at most once per Redis.ProbeInterval. While it is down each gateway enforces the whole
// budget on its own, starting from a full one: with n gateways a client may get up to n times
// its budget until Redis is back. That is the price of not refusing everyone when Redis fails.
//
// The files:
//
//	config.go    Config, Budget, RedisConfig, DefaultConfig, Validate
//	limiter.go   New, Take, Close: picks the budget and the store
//	budget.go    the arithmetic shared by both stores: refill, fit, Decision
//	decision.go  Decision and the HTTP headers it maps to
//	local.go     the in-memory store: shards, eviction beyond MaxClients
//	redis.go     the Redis store and gcra.lua, the script it runs
//	health.go    when to use Redis and when to fall back
package ratelimit
