package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
)

const subgraphUsage = `trellis subgraph: a subgraph's schema in the registry

Usage:
  trellis subgraph publish  --name N --schema FILE [--routing-url URL] [--allow-breaking]
  trellis subgraph check    --name N --schema FILE [--routing-url URL]
  trellis subgraph list     [--json]
  trellis subgraph versions --name N [--json]
  trellis subgraph history  [--name N] [--limit 20] [--json]
  trellis subgraph rollback --name N --to VERSION [--allow-breaking]
  trellis subgraph remove   --name N [--allow-breaking]

Every command takes --registry URL (default $TRELLIS_REGISTRY_URL, else http://127.0.0.1:4000)
and --token TOKEN (default $TRELLIS_REGISTRY_TOKEN). --routing-url is required the first time a
subgraph is published. Exit status: 0 done, 1 refused or failed, 2 wrong command line.
`

// subgraphCmd dispatches `trellis subgraph ...`.
func subgraphCmd(args []string, stdout, stderr io.Writer) int {
	cmds := map[string]func([]string, io.Writer, io.Writer) int{
		"publish": subgraphPublish, "check": subgraphCheck, "list": subgraphList, "versions": subgraphVersions,
		"history": subgraphHistory, "rollback": subgraphRollback, "remove": subgraphRemove,
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, subgraphUsage)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, subgraphUsage)
		return 0
	}
	cmd := cmds[args[0]]
	if cmd == nil {
		fmt.Fprintf(stderr, "trellis subgraph: unknown command %q\n\n%s", args[0], subgraphUsage)
		return 2
	}
	return cmd(args[1:], stdout, stderr)
}

// schemaFlags are the flags of publish and check: the subgraph and its schema file.
type schemaFlags struct {
	name, routingURL, schema *string
}

func (c *registryCommand) schemaFlags() schemaFlags {
	return schemaFlags{
		name:       c.fs.String("name", "", "the subgraph's name, e.g. products"),
		routingURL: c.fs.String("routing-url", "", "where gateways send the subgraph's requests, e.g. http://127.0.0.1:4002/graphql (required on the first publish; empty keeps the current one)"),
		schema:     c.fs.String("schema", "", "the subgraph's schema file (SDL)"),
	}
}

func (f schemaFlags) input() (registry.Input, error) {
	sdl, err := os.ReadFile(*f.schema)
	if err != nil {
		return registry.Input{}, fmt.Errorf("--schema: %w", err)
	}
	return registry.Input{Name: *f.name, RoutingURL: *f.routingURL, SDL: string(sdl)}, nil
}

func subgraphPublish(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("subgraph publish", stdout, stderr, false)
	sf := c.schemaFlags()
	allow := c.fs.Bool("allow-breaking", false, "publish even when the change breaks clients")
	return c.run(args, []string{"name", "schema"}, func(ctx context.Context, cl *admin.Client) error {
		in, err := sf.input()
		if err != nil {
			return err
		}
		res, err := cl.Publish(ctx, in, *allow)
		if err != nil {
			return err
		}
		return c.printResult(res, *sf.schema)
	})
}

// printResult reports a publish, remove or rollback: the outcome, then the reasons; a failed
// or refused one is errReported (exit 1).
func (c *registryCommand) printResult(res *registry.Result, file string) error {
	w := c.stdout
	switch res.Status {
	case registry.StatusPublished:
		if res.Action == registry.ActionRemove {
			fmt.Fprintf(w, "removed %s: supergraph v%d\n", res.Subgraph, res.SupergraphVersion)
		} else {
			fmt.Fprintf(w, "published %s v%d: supergraph v%d\n", res.Subgraph, res.SubgraphVersion, res.SupergraphVersion)
		}
	case registry.StatusUnchanged:
		fmt.Fprintf(w, "%s v%d already has this schema and routing URL: nothing published\n", res.Subgraph, res.SubgraphVersion)
	case registry.StatusFailed:
		fmt.Fprintf(w, "composition failed: nothing published\n")
	case registry.StatusRefused:
		fmt.Fprintf(w, "refused: the change breaks clients; nothing published (pass --allow-breaking to publish it anyway)\n")
	default:
		fmt.Fprintf(w, "%s: %s\n", res.Status, res.Message)
	}
	printProblems(w, res.Problems, res.Subgraph, file)
	printChanges(w, res.Changes)
	if res.Status == registry.StatusFailed || res.Status == registry.StatusRefused {
		return errReported
	}
	return nil
}

func subgraphCheck(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("subgraph check", stdout, stderr, false)
	sf := c.schemaFlags()
	return c.run(args, []string{"name", "schema"}, func(ctx context.Context, cl *admin.Client) error {
		in, err := sf.input()
		if err != nil {
			return err
		}
		res, err := cl.Check(ctx, in)
		if err != nil {
			return err
		}
		printProblems(stdout, res.Problems, in.Name, *sf.schema)
		printChanges(stdout, res.Changes)
		switch {
		case len(res.Problems) > 0:
			fmt.Fprintf(stdout, "check failed: %s does not compose with the other subgraphs (%s)\n", in.Name, count(len(res.Problems), "composition error"))
			return errReported
		case res.Breaking:
			fmt.Fprintf(stdout, "check failed: %s would break clients (publish needs --allow-breaking)\n", in.Name)
			return errReported
		}
		fmt.Fprintf(stdout, "check passed: %s composes; %s, none breaking\n", in.Name, count(len(res.Changes), "change"))
		return nil
	})
}

func subgraphList(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("subgraph list", stdout, stderr, true)
	return c.run(args, nil, func(ctx context.Context, cl *admin.Client) error {
		subs, err := cl.Subgraphs(ctx)
		if err != nil {
			return err
		}
		return c.printSubgraphs(subs, "no subgraphs yet: publish one with `trellis subgraph publish`")
	})
}

func subgraphVersions(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("subgraph versions", stdout, stderr, true)
	name := c.fs.String("name", "", "the subgraph's name")
	return c.run(args, []string{"name"}, func(ctx context.Context, cl *admin.Client) error {
		subs, err := cl.Versions(ctx, *name)
		if err != nil {
			return err
		}
		return c.printSubgraphs(subs, "no versions of "+*name)
	})
}

// printSubgraphs is the table (or JSON) of list and versions.
func (c *registryCommand) printSubgraphs(subs []registry.Subgraph, none string) error {
	if *c.asJSON {
		return c.printJSON(subgraphsJSON(subs))
	}
	if len(subs) == 0 {
		fmt.Fprintln(c.stdout, none)
		return nil
	}
	rows := make([][]string, len(subs))
	for i, s := range subs {
		rows[i] = []string{s.Name, strconv.Itoa(s.Version), s.RoutingURL, when(s.PublishedAt), s.PublishedBy}
	}
	table(c.stdout, "NAME\tVERSION\tROUTING URL\tPUBLISHED\tBY", rows)
	return nil
}

func subgraphHistory(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("subgraph history", stdout, stderr, true)
	name := c.fs.String("name", "", "one subgraph's history (default: every subgraph's)")
	limit := c.fs.Int("limit", 20, "at most this many attempts, newest first (1 to 1000)")
	return c.run(args, nil, func(ctx context.Context, cl *admin.Client) error {
		pubs, err := cl.History(ctx, *name, *limit)
		if err != nil {
			return err
		}
		if *c.asJSON {
			return c.printJSON(publicationsJSON(pubs))
		}
		if len(pubs) == 0 {
			fmt.Fprintln(stdout, "no publications yet")
			return nil
		}
		rows := make([][]string, len(pubs))
		for i, p := range pubs {
			rows[i] = []string{strconv.FormatInt(p.ID, 10), when(p.CreatedAt), p.Subgraph, p.Action, p.Status,
				version(int64(p.SubgraphVersion)), version(p.SupergraphVersion), p.By, reasons(p)}
		}
		table(stdout, "ID\tWHEN\tSUBGRAPH\tACTION\tSTATUS\tVERSION\tSUPERGRAPH\tBY\tWHY", rows)
		return nil
	})
}

// reasons sums up why an attempt failed or was refused.
func reasons(p registry.Publication) string {
	switch {
	case len(p.Problems) > 0:
		return count(len(p.Problems), "composition error") + ": " + p.Problems[0].Code
	case p.Status == registry.StatusRefused:
		n := 0
		for _, c := range p.Changes {
			if c.Level == registry.LevelBreaking {
				n++
			}
		}
		return count(n, "breaking change")
	}
	return ""
}

func subgraphRollback(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("subgraph rollback", stdout, stderr, false)
	name := c.fs.String("name", "", "the subgraph's name")
	to := c.fs.Int("to", 0, "the version to publish again (see `trellis subgraph versions`)")
	allow := c.fs.Bool("allow-breaking", false, "roll back even when the change breaks clients")
	return c.run(args, []string{"name"}, func(ctx context.Context, cl *admin.Client) error {
		if *to < 1 {
			return fmt.Errorf("%w: --to VERSION is required: a version of %s (see `trellis subgraph versions --name %s`)", errUsage, *name, *name)
		}
		res, err := cl.Rollback(ctx, *name, *to, *allow)
		if err != nil {
			return err
		}
		return c.printResult(res, "")
	})
}

func subgraphRemove(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("subgraph remove", stdout, stderr, false)
	name := c.fs.String("name", "", "the subgraph's name")
	allow := c.fs.Bool("allow-breaking", false, "remove even when that breaks clients")
	return c.run(args, []string{"name"}, func(ctx context.Context, cl *admin.Client) error {
		res, err := cl.Remove(ctx, *name, *allow)
		if err != nil {
			return err
		}
		return c.printResult(res, "")
	})
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func version(v int64) string {
	if v == 0 {
		return "-"
	}
	return "v" + strconv.FormatInt(v, 10)
}

// count is "1 change" or "3 changes".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
