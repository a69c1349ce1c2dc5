// Package traffic holds the HTTP rules in front of the GraphQL endpoint that an API gateway
// applies before a request is parsed: CORS, CSRF prevention and load shedding. Each is an
// http.Handler wrapper with its own Config; cmd/trellis wraps the gateway with them. The
// GraphQL request itself is the executor's business.
package traffic
