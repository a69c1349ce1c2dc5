package main

import (
	"fmt"
	"io"
)

// composeCmd is being built (issue 3); this placeholder keeps the command list compiling.
func composeCmd(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "trellis: this command is not built yet")
	return 2
}
