package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/trellis-gql/trellis/schema/compose"
)

// composeCmd composes the subgraphs a supergraph.yaml lists into a supergraph SDL: stdout
// (or --output) gets the SDL, stderr one line per error or hint. Exit 1 on composition or
// input errors, 2 on usage errors.
func composeCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compose", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := fs.String("config", "", "rover-style supergraph.yaml listing the subgraphs")
	output := fs.String("output", "", "write the supergraph to this file instead of stdout")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cfg == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "trellis compose: usage: trellis compose --config supergraph.yaml [--output FILE]")
		return 2
	}
	subs, err := compose.LoadConfig(context.Background(), *cfg)
	if err != nil {
		fmt.Fprintf(stderr, "trellis compose: %v\n", err)
		return 1
	}
	res, err := compose.Compose(subs)
	var errs compose.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintf(stderr, "trellis compose: composition failed with %d error(s)\n", len(errs))
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "trellis compose: %v\n", err)
		return 1
	}
	for _, h := range res.Hints {
		fmt.Fprintf(stderr, "hint: %v\n", h)
	}
	if *output == "" {
		_, err = io.WriteString(stdout, res.SDL)
	} else {
		err = os.WriteFile(*output, []byte(res.SDL), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "trellis compose: write the supergraph: %v\n", err)
		return 1
	}
	return 0
}
