// Package playground is GraphiQL served by the gateway in development mode, with a panel
// beside the editor: the query plan and cost of the last operation run, and the subgraphs with
// their instances and breaker states (GET /trellis/status).
//
// It sits in front of the GraphQL endpoint: Front answers a browser opening the endpoint with
// the page and hands every other request, GraphQL GETs with ?query= included, to the gateway.
// Every asset is embedded in the binary, so the page works with no internet.
//
//	playground.go the handler: the page, rendered with its Config, and the embedded assets
//	web/          the npm project that builds dist/ (make playground); dist/ is committed
package playground
