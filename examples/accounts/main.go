// Command accounts serves the accounts example subgraph until SIGINT or SIGTERM:
//
//	go run ./examples/accounts --listen 127.0.0.1:4001
package main

import (
	"github.com/trellis-gql/trellis/examples/accounts/subgraph"
	"github.com/trellis-gql/trellis/examples/internal/server"
)

func main() { server.Main(subgraph.Name, subgraph.DefaultPort, subgraph.Handler()) }
