// Package agent puts a subgraph instance in the mesh: it serves the subgraph over mTLS,
// accepting only callers that prove a gateway identity of the trust domain, and joins the
// gossip cluster advertising the instance, so that gateways route to it.
//
// Serve does it for a Go subgraph in process (the example subgraphs use it); Proxy is the
// sidecar of `trellis agent`, for a subgraph written in anything else: it forwards the
// verified requests to the subgraph's plain-HTTP address on the same host.
package agent
