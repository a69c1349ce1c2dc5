package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/trellis-gql/trellis/schema/registry/admin"
)

const registryUsage = `trellis registry: the registry's tokens, supergraph and central policy

Usage:
  trellis registry token create --team T --subgraphs a,b [--json]   a team token (admin token)
  trellis registry token create --team T --read-only [--json]       a token that only reads: for gateways (admin token)
  trellis registry token list   [--json]                           every token, without secrets (admin token)
  trellis registry token revoke --id ID                            (admin token)
  trellis registry supergraph                                      print the latest supergraph SDL
  trellis registry policy publish --file policy.yaml               publish the central traffic policy (admin token)
  trellis registry policy show [--version N]                       print the latest (or version N) policy
  trellis registry policy history [--limit N] [--json]             the stored policy versions

Every command takes --registry URL (default $TRELLIS_REGISTRY_URL, else http://127.0.0.1:4000)
and --token TOKEN (default $TRELLIS_REGISTRY_TOKEN). The registry itself runs in
trellis serve --registry. The central policy: docs/central-policy.md.
`

// registryCmd dispatches `trellis registry ...`.
func registryCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) >= 2 && args[0] == "token" {
		switch args[1] {
		case "create":
			return tokenCreate(args[2:], stdout, stderr)
		case "list":
			return tokenList(args[2:], stdout, stderr)
		case "revoke":
			return tokenRevoke(args[2:], stdout, stderr)
		}
	}
	if len(args) >= 1 {
		switch args[0] {
		case "supergraph":
			return registrySupergraph(args[1:], stdout, stderr)
		case "policy":
			return policyCmd(args[1:], stdout, stderr)
		case "help", "-h", "--help":
			fmt.Fprint(stdout, registryUsage)
			return 0
		}
		fmt.Fprintf(stderr, "trellis registry: unknown command %q\n\n", strings.Join(args[:min(len(args), 2)], " "))
	}
	fmt.Fprint(stderr, registryUsage)
	return 2
}

func tokenCreate(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("registry token create", stdout, stderr, true)
	team := c.fs.String("team", "", "the team the token is for, e.g. catalog")
	subgraphs := c.fs.String("subgraphs", "", "the subgraphs it may publish, remove and roll back, comma-separated: products,inventory (empty: read-only)")
	readOnly := c.fs.Bool("read-only", false, "a token that reads and checks but publishes nothing: for gateways following the registry (--registry-url)")
	return c.run(args, []string{"team"}, func(ctx context.Context, cl *admin.Client) error {
		names := splitList(*subgraphs)
		switch {
		case *readOnly && len(names) > 0:
			return fmt.Errorf("%w: --read-only with --subgraphs %s: a read-only token names no subgraph; give one of them", errUsage, *subgraphs)
		case !*readOnly && !flagGiven(c.fs, "subgraphs"):
			return fmt.Errorf("%w: --subgraphs is required, or --read-only for a token that only reads (what a gateway following the registry needs)", errUsage)
		}
		id, secret, err := cl.CreateToken(ctx, *team, names)
		if err != nil {
			return err
		}
		if *c.asJSON {
			return c.printJSON(tokenJSON{ID: id, Team: *team, Subgraphs: nonNilStrings(names), Secret: secret})
		}
		what := "subgraphs " + strings.Join(names, ", ")
		if len(names) == 0 {
			what = "read-only"
		}
		fmt.Fprintf(stdout, "token %s for team %s, %s\n%s\n", id, *team, what, secret)
		fmt.Fprintf(stderr, "The secret above is shown once: give it to the team, who set %s to it (or pass --token).\n", envRegistryToken)
		return nil
	})
}

func tokenList(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("registry token list", stdout, stderr, true)
	return c.run(args, nil, func(ctx context.Context, cl *admin.Client) error {
		tokens, err := cl.Tokens(ctx)
		if err != nil {
			return err
		}
		if *c.asJSON {
			out := make([]tokenJSON, len(tokens))
			for i, t := range tokens {
				out[i] = tokenJSON{ID: t.TokenID, Team: t.Team, Admin: t.Admin, Subgraphs: nonNilStrings(t.Subgraphs)}
			}
			return c.printJSON(out)
		}
		rows := make([][]string, len(tokens))
		for i, t := range tokens {
			subs := strings.Join(t.Subgraphs, ",")
			switch {
			case t.Admin:
				subs = "(admin: all)"
			case len(t.Subgraphs) == 0:
				subs = "(read-only)"
			}
			rows[i] = []string{t.TokenID, t.Team, subs}
		}
		table(stdout, "ID\tTEAM\tSUBGRAPHS", rows)
		return nil
	})
}

func tokenRevoke(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("registry token revoke", stdout, stderr, false)
	id := c.fs.String("id", "", "the token's id (see `trellis registry token list`)")
	return c.run(args, []string{"id"}, func(ctx context.Context, cl *admin.Client) error {
		if err := cl.RevokeToken(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %s\n", *id)
		return nil
	})
}

func registrySupergraph(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("registry supergraph", stdout, stderr, false)
	return c.run(args, nil, func(ctx context.Context, cl *admin.Client) error {
		sg, err := cl.Supergraph(ctx)
		if err != nil {
			return err
		}
		if sg == nil {
			return fmt.Errorf("no supergraph yet: publish subgraphs with `trellis subgraph publish`")
		}
		fmt.Fprintf(stderr, "supergraph v%d, %s, sha256 %s\n", sg.Version, when(sg.CreatedAt), sg.Hash)
		io.WriteString(stdout, sg.SDL)
		return nil
	})
}

// splitList splits a comma-separated flag value, dropping spaces and empty items; sorted,
// once each, as the registry keeps them.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
