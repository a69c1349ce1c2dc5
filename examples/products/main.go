// Command products serves the products example subgraph until SIGINT or SIGTERM:
//
//	go run ./examples/products --listen 127.0.0.1:4002
package main

import (
	"github.com/trellis-gql/trellis/examples/internal/server"
	"github.com/trellis-gql/trellis/examples/products/subgraph"
)

func main() { server.Main(subgraph.Name, subgraph.DefaultPort, subgraph.Handler()) }
