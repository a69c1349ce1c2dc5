// Package auth authenticates a gateway request by its JSON Web Token, with the semantics of
// Apollo Router's JWT authentication.
//
// It sits at the start of the executor's request path: after the HTTP request is parsed and
// before the operation is prepared, the executor calls Authenticate. The resulting Identity
// (nil for an anonymous caller) travels with the request; per-field authorization
// (@authenticated, @requiresScopes) later reads its Scopes, and every cache shared between
// requests is keyed by its ScopeKey. A request without a token is not refused here: whether a
// field needs one is decided by that later stage. A token that is present but invalid is an
// *Error, which the HTTP edge turns into a GraphQL error.
//
// The files follow a request:
//
//	config.go   Config, DefaultConfig, Validate
//	auth.go     New, Authenticate, Close
//	header.go   the token out of the request header
//	verify.go   the JWS signature, against the keys that fit its algorithm
//	claims.go   exp, nbf, iss, aud, sub and scopes
//	identity.go Identity and its scope key
//	keys.go     the key store: file and URL sources, refresh, refetch on unknown key id
//	jwks.go     JWKS documents into keys, and which key fits which algorithm
//	errors.go   Error, the failure shown to the client
package auth
