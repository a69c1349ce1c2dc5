// Package resilience is the gateway's HTTP client to subgraph instances: load balancing,
// per-instance circuit breakers, retries within a budget, timeouts with deadline
// propagation, and fault injection for testing, each an http.RoundTripper layer with its own
// Config. It knows nothing of GraphQL: a service is a name, an instance is a URL, and a
// request says through its context (WithTarget) which service it is for and whether it may
// be sent twice.
//
// # Where it sits
//
// The executor sends each fetch through Client.Do with a Target in the context: Idempotent
// for queries and _entities fetches, never for mutations. The client asks its Resolver (the
// discovery membership) for the live endpoints of the service on every request and falls
// back to the request's own URL (the supergraph's routing URL) when there are none. Each
// service's base transport comes from the caller (the mTLS one of resilience/identity, which
// verifies the service's identity) or is one shared NewTransport. When every endpoint of a
// service is ejected, requests fail at once with an *UnavailableError wrapping
// ErrCircuitOpen, and the executor answers with partial data.
//
// # The files, as a request goes
//
//	config.go    Config, DefaultConfig, Validate (each layer's config is in its file)
//	client.go    Client, New, RoundTrip, the per-service state
//	target.go    Target, Endpoint, Resolver; what the layers share about one request
//	deadline.go  TimeoutConfig: the service's timeout, the DeadlineHeader, HonourDeadline
//	faults.go    FaultConfig: injected delays and aborts
//	retry.go     RetryConfig: which failures are retried, Retry-After, one try at a time
//	budget.go    the retry budget (ratio of requests plus a reserve, over a TTL)
//	balance.go   BalancerConfig, and the layer that picks, sends and records
//	pool.go      a service's endpoints and the choice: trials, zone, power of two choices
//	endpoints.go the resolver's list into endpoint state; forgetting dropped endpoints
//	ewma.go      the peak-EWMA latency estimate
//	outcome.go   what a try came to, fed to the estimate and the breaker; the ejection cap
//	breaker.go   BreakerConfig and the per-endpoint breaker
//	snapshot.go  Snapshot and Counters, for metrics and the playground
//	transport.go the default transport
//	errors.go    ErrCircuitOpen, ErrNoEndpoint, UnavailableError; log.go the log lines
//
// # Defaults, and where they come from
//
// Balancing is Linkerd's: power of two choices over peak-EWMA latency (30 ms until
// measured, 10 s decay), cost = latency × (in flight + 1) / weight, and a 5 s latency
// penalty for answers that cost the endpoint nothing (connection errors, 429, 503). Ejection
// is Envoy's outlier detection: after 5 consecutive failures (5xx, connection errors,
// timeouts), or, as Cosmo's breaker, when at least half of at least 20 requests failed in
// 10 s; for 30 s × the ejections in a row, at most 300 s; never more than 10% of a
// service's endpoints (at least one) unless all of them fail. An ejection ends with one
// half-open trial request, sent preferably with an idempotent request (which is retried
// elsewhere if the trial fails). Retries follow Linkerd's budget (20% of requests plus 10
// per second over 10 s) and the SRE book's 3 attempts, each on an endpoint not tried yet,
// never with a body over 64 KiB. Requests are bounded by 30 s per service (Apollo Router)
// and by the caller's own deadline.
//
// # Deadline propagation
//
// Every try carries the header Trellis-Deadline-Ms (DeadlineHeader): the whole milliseconds
// left before the gateway stops waiting for it (at least 1). A subgraph may stop working on
// the request then; HonourDeadline does it for Go subgraphs.
package resilience
