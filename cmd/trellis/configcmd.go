package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/trellis-gql/trellis/executor"
)

// configCmd is `trellis config validate`: everything `serve` checks of its configuration
// (the file, the TRELLIS_ environment overrides, the supergraph it names), without serving.
func configCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "validate" {
		fmt.Fprint(stderr, "Usage:\n  trellis config validate --config trellis.yaml [--supergraph FILE]\n")
		return 2
	}
	fs := flag.NewFlagSet("config validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the configuration file")
	sgPath := fs.String("supergraph", "", "the supergraph (default: the file's supergraph key)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg := executor.DefaultConfig()
	file, err := configure(*path, os.Environ(), &cfg)
	if err != nil {
		fmt.Fprintf(stderr, "trellis config validate: %v\n", err)
		return 1
	}
	if *sgPath == "" {
		*sgPath = file.Supergraph
	}
	if *sgPath != "" {
		sg, err := loadSupergraph(*sgPath)
		if err != nil {
			fmt.Fprintf(stderr, "trellis config validate: %v\n", err)
			return 1
		}
		gw, err := executor.New(cfg, sg, nil, nil) // what only the supergraph can check (cost directives, policies)
		if err != nil {
			fmt.Fprintf(stderr, "trellis config validate: %v\n", err)
			return 1
		}
		gw.Close()
	}
	fmt.Fprintf(stdout, "ok: %s is valid\n", orDefault(*path, "the environment"))
	return 0
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
