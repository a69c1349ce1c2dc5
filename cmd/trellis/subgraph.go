package main

import (
	"fmt"
	"io"
)

// subgraphCmd is being built (issue 3); this placeholder keeps the command list compiling.
func subgraphCmd(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "trellis: this command is not built yet")
	return 2
}
