// Command inventory serves the inventory example subgraph until SIGINT or SIGTERM:
//
//	go run ./examples/inventory --listen 127.0.0.1:4003
package main

import (
	"github.com/trellis-gql/trellis/examples/internal/server"
	"github.com/trellis-gql/trellis/examples/inventory/subgraph"
)

func main() { server.Main(subgraph.Name, subgraph.DefaultPort, subgraph.Handler()) }
