// Command reviews serves the reviews example subgraph until SIGINT or SIGTERM:
//
//	go run ./examples/reviews --listen 127.0.0.1:4004
package main

import (
	"github.com/trellis-gql/trellis/examples/internal/server"
	"github.com/trellis-gql/trellis/examples/reviews/subgraph"
)

func main() { server.Main(subgraph.Name, subgraph.DefaultPort, subgraph.Handler()) }
