// Package executor is the gateway's request path: the GraphQL-over-HTTP front, the
// preparation of an operation (parse, validate, normalize), planning through the plan cache,
// and the execution of the plan against subgraphs with the merge of their results into one
// response.
//
// The files follow a request:
//
//	gateway.go      Config, New, the loaded supergraph and its caches
//	handler.go      HTTP in and out (graphqlhttp parses the request); admit runs the stages
//	authenticate.go the caller from its JWT (package auth), or anonymous
//	persisted.go    APQ and trusted documents: the query text from its hash
//	prepare.go      parse, validate, pick the operation, coerce variables, normalize
//	introspection.go  __schema/__type refused when introspection is off
//	documents.go    the caches of parsed documents and normalized operations
//	authorize.go    @authenticated, @requiresScopes, @policy: what the caller may not see
//	costs.go        the operation's cost (package cost), refused over the limit
//	ratelimit.go    the client's cost budget (package ratelimit)
//	plan.go         plan-cache lookup and override labels
//	run.go          walks the plan: Sequence, Parallel, Flatten, Batch, Fetch
//	entitycache*.go cached _entities results, per type, TTL and caller scope
//	fetch.go        one subgraph request and its decoded response
//	headers.go      the request's header rules (package headers) and response headers
//	decode.go       the JSON parser for subgraph bodies; json.go writes JSON
//	represent.go    entity representations for _entities
//	merge.go        subgraph data into the response tree
//	project.go      the response in the client's selection order, with null propagation
//	errors.go       GraphQL errors and their codes; cachestats.go the caches' counters
//	telemetry*.go   spans, metrics and the line per request (off unless Config.Telemetry)
package executor
