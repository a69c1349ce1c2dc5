package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
)

// The environment of the registry commands: the registry's address and the token, for when
// --registry and --token are not given.
const (
	envRegistryURL   = "TRELLIS_REGISTRY_URL"
	envRegistryToken = "TRELLIS_REGISTRY_TOKEN"
	defaultRegistry  = "http://127.0.0.1:4000"
)

// errUsage marks a command line that is wrong: exit status 2, not 1.
var errUsage = errors.New("usage")

// registryCommand is a parsed `trellis subgraph ...` or `trellis registry ...` command line.
type registryCommand struct {
	name   string // "subgraph publish", for messages
	fs     *flag.FlagSet
	url    *string
	token  *string
	asJSON *bool // nil unless the command offers --json
	stdout io.Writer
	stderr io.Writer
}

// newRegistryCommand is a flag set with --registry and --token; json adds --json.
func newRegistryCommand(name string, stdout, stderr io.Writer, json bool) *registryCommand {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &registryCommand{name: name, fs: fs, stdout: stdout, stderr: stderr}
	c.url = fs.String("registry", "", "the registry's address, e.g. http://127.0.0.1:4000 (default: $"+envRegistryURL+", else "+defaultRegistry+")")
	c.token = fs.String("token", "", "the registry token (default: $"+envRegistryToken+")")
	if json {
		c.asJSON = fs.Bool("json", false, "print JSON, for scripts")
	}
	return c
}

// parse reads the flags; required names flags that must not be empty.
func (c *registryCommand) parse(args []string, required ...string) error {
	if err := c.fs.Parse(args); err != nil {
		return errUsage
	}
	if c.fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q (flags are --name VALUE)", errUsage, c.fs.Arg(0))
	}
	for _, name := range required {
		if f := c.fs.Lookup(name); f != nil && f.Value.String() == "" {
			return fmt.Errorf("%w: --%s is required", errUsage, name)
		}
	}
	return nil
}

// client is the admin client for the flags and the environment.
func (c *registryCommand) client() (*admin.Client, error) {
	base := firstNonEmpty(*c.url, os.Getenv(envRegistryURL), defaultRegistry)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: --registry %q is not a URL like %s", errUsage, base, defaultRegistry)
	}
	token := firstNonEmpty(*c.token, os.Getenv(envRegistryToken))
	if token == "" {
		return nil, fmt.Errorf("%w: no token: pass --token or set %s (the admin token `trellis serve --registry` printed, or a team token)",
			errUsage, envRegistryToken)
	}
	return admin.NewClient(base, token, nil), nil
}

// run parses args, makes the client and calls do; it returns the exit status: 0 done, 1
// refused or failed, 2 a wrong command line.
func (c *registryCommand) run(args []string, required []string, do func(context.Context, *admin.Client) error) int {
	err := c.parse(args, required...)
	var cl *admin.Client
	if err == nil {
		cl, err = c.client()
	}
	if err == nil {
		err = do(context.Background(), cl)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		if msg := strings.TrimPrefix(err.Error(), errUsage.Error()+": "); msg != errUsage.Error() {
			fmt.Fprintf(c.stderr, "trellis %s: %s\n", c.name, msg)
		}
		return 2
	case errors.Is(err, errReported):
		return 1
	}
	fmt.Fprintf(c.stderr, "trellis %s: %v\n", c.name, err)
	return 1
}

// errReported is a failure whose details the command has printed already: exit 1, no more.
var errReported = errors.New("reported")

// printJSON writes v indented, for --json.
func (c *registryCommand) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table writes rows aligned in columns.
func table(w io.Writer, header string, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// printProblems writes one line per composition error, e.g.
// [products] Product.price (products.graphql:12:3) INVALID_FIELD_SHARING: ... file is the
// schema file of the subgraph named own ("" when there is none).
func printProblems(w io.Writer, problems []registry.Problem, own, file string) {
	for _, p := range problems {
		var b strings.Builder
		if p.Subgraph != "" {
			fmt.Fprintf(&b, "[%s] ", p.Subgraph)
		}
		if p.Coordinate != "" {
			b.WriteString(p.Coordinate + " ")
		}
		if p.Line > 0 {
			where := p.Subgraph
			if p.Subgraph == own && file != "" {
				where = file
			}
			fmt.Fprintf(&b, "(%s:%d:%d) ", where, p.Line, p.Column)
		}
		fmt.Fprintf(&b, "%s: %s", p.Code, p.Message)
		fmt.Fprintln(w, b.String())
	}
}

// printChanges writes one line per change, breaking ones first, then dangerous, then safe,
// e.g. BREAKING FIELD_REMOVED Product.price: ...
func printChanges(w io.Writer, changes []registry.Change) {
	for _, level := range []string{registry.LevelBreaking, registry.LevelDangerous, registry.LevelSafe} {
		for _, c := range changes {
			if c.Level == level {
				fmt.Fprintf(w, "%s %s %s: %s\n", c.Level, c.Code, c.Coordinate, c.Message)
			}
		}
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
