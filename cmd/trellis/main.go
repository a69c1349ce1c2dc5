// Command trellis is the Trellis federation gateway: serve a supergraph, print query plans.
// It is wiring only: it reads files, flags and signals, and hands plain configs to the
// packages that do the work.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `trellis: a GraphQL federation gateway

Usage:
  trellis serve --supergraph FILE [--listen 127.0.0.1:4000] [--dev] [--dedup] [--pprof ADDR]
  trellis serve --registry [--registry-store DSN]   gateway plus schema registry (./trellis.db, or postgres://...)
  trellis serve --registry-url URL                 a gateway following a remote registry
  trellis plan  --supergraph FILE --query FILE [--operation-name NAME] [--variables JSON] [--json]
  trellis compose --config supergraph.yaml         compose subgraph schemas into a supergraph (stdout)
  trellis subgraph publish | check | list | history | versions | rollback | remove   talk to a registry
  trellis registry token create | list | revoke    team tokens of a registry (admin token)
  trellis registry supergraph                      the registry's current supergraph SDL
  trellis registry policy publish | show | history  traffic policy for every gateway (admin token)
  trellis demo  [--listen 127.0.0.1:4000]         the examples in the mesh, the gateway and the playground, in one process
  trellis config validate --config FILE            check a configuration (and TRELLIS_ overrides) without serving
  trellis ca    init | issue | rotate | retire     the mesh's CA and SPIFFE certificates
  trellis agent --subgraph NAME --target URL --listen ADDR --join ADDR   a subgraph's mesh sidecar

Run "trellis COMMAND --help" for a command's flags.
`

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "plan":
		return plan(args[1:], stdout, stderr)
	case "ca":
		return ca(args[1:], stdout, stderr)
	case "config":
		return configCmd(args[1:], stdout, stderr)
	case "compose":
		return composeCmd(args[1:], stdout, stderr)
	case "subgraph":
		return subgraphCmd(args[1:], stdout, stderr)
	case "registry":
		return registryCmd(args[1:], stdout, stderr)
	case "demo":
		return demo(args[1:], stdout, stderr)
	case "agent":
		return agentCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "trellis: unknown command %q\n\n%s", args[0], usage)
	return 2
}
