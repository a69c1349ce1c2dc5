// Package graphqlhttp is the client edge of the GraphQL-over-HTTP specification
// (https://graphql.github.io/graphql-over-http/draft/): it turns an *http.Request into a
// GraphQL request and tells the executor which media type and status to answer with.
//
// It sits first in the executor's request flow, before the operation is parsed and validated:
//
//	handler: MediaType(Accept)  -> 406 when the client accepts neither response type
//	         Parse(r, cfg)      -> *Error (400, 405, 413, 415) for a request that is not a
//	                               well-formed GraphQL-over-HTTP request
//	prepare, plan, execute ...
//	respond: Status(mediaType, requestError) and Content-Type: mediaType; charset=utf-8
//
// The package knows nothing of GraphQL documents: it checks the shape of the HTTP request and of
// its parameters (query is a string, variables an object, ...), never whether the query parses.
// Refusing mutations over GET is the executor's job, since only it knows the operation type;
// Request.Method carries what it needs.
//
// Errors from Parse are answered with Error.Status whatever the response media type: the spec
// asks for 4xx on requests that are not well-formed under both application/json and
// application/graphql-response+json. Status only decides between 200 and 400 for well-formed
// requests, which is where the two media types differ.
//
// Everything here is safe for concurrent use; Parse blocks only while it reads the request body.
package graphqlhttp
