package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/trellis-gql/trellis/planner"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

func plan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("supergraph", "", "supergraph SDL file")
	query := fs.String("query", "", "file holding the operation to plan")
	opName := fs.String("operation-name", "", "operation to plan when the file has several")
	varsJSON := fs.String("variables", "{}", "variables as a JSON object (they decide @skip/@include)")
	asJSON := fs.Bool("json", false, "print the plan as JSON instead of text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "trellis plan: %v\n", err)
		return 1
	}
	sg, err := loadSupergraph(*path)
	if err != nil {
		return fail(err)
	}
	if *query == "" {
		return fail(fmt.Errorf("--query is required: the path of a file holding a GraphQL operation"))
	}
	norm, err := loadOperation(sg.API, *query, *opName, *varsJSON)
	if err != nil {
		return fail(err)
	}
	p, err := planner.Build(sg, norm, planner.Options{})
	if err != nil {
		return fail(err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(p)
		return 0
	}
	fmt.Fprint(stdout, p.String())
	return 0
}

// loadOperation reads, validates and normalizes the operation to plan.
func loadOperation(api *ast.Schema, path, opName, varsJSON string) (*planner.Operation, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := parser.ParseQuery(&ast.Source{Name: path, Input: string(src)})
	if err != nil {
		return nil, err
	}
	if errs := validator.ValidateWithRules(api, doc, nil); len(errs) > 0 {
		return nil, errs
	}
	op := doc.Operations.ForName(opName)
	if op == nil {
		return nil, fmt.Errorf("%s: no operation named %q (name one with --operation-name)", path, opName)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(varsJSON), &raw); err != nil {
		return nil, fmt.Errorf("--variables: %w", err)
	}
	vars, err := validator.VariableValues(api, op, raw)
	if err != nil {
		return nil, err
	}
	return planner.Normalize(api, op, vars)
}
