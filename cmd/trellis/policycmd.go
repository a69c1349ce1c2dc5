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

// policyCmd dispatches `trellis registry policy ...` (docs/central-policy.md).
func policyCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) >= 1 {
		switch args[0] {
		case "publish":
			return policyPublish(args[1:], stdout, stderr)
		case "show":
			return policyShow(args[1:], stdout, stderr)
		case "history":
			return policyHistory(args[1:], stdout, stderr)
		}
		fmt.Fprintf(stderr, "trellis registry policy: unknown command %q\n\n", args[0])
	}
	fmt.Fprint(stderr, registryUsage)
	return 2
}

func policyPublish(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("registry policy publish", stdout, stderr, false)
	file := c.fs.String("file", "", "the policy: a YAML file with the traffic sections of trellis.yaml (cost, headers, limits, rate_limit, resilience, timeouts, traffic)")
	return c.run(args, []string{"file"}, func(ctx context.Context, cl *admin.Client) error {
		doc, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		_, _, msg, err := cl.PublishPolicy(ctx, string(doc))
		if err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
		fmt.Fprintln(stdout, msg)
		return nil
	})
}

func policyShow(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("registry policy show", stdout, stderr, false)
	want := c.fs.Int("version", 0, "show this version (see `trellis registry policy history`) instead of the latest")
	return c.run(args, nil, func(ctx context.Context, cl *admin.Client) error {
		pv, err := findPolicy(ctx, cl, *want)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "policy v%d, %s, by %s, sha256 %s\n", pv.Version, when(pv.CreatedAt), pv.CreatedBy, pv.Hash)
		io.WriteString(stdout, pv.Document)
		return nil
	})
}

// findPolicy is version of the policy, or the latest (version 0).
func findPolicy(ctx context.Context, cl *admin.Client, version int) (*registry.PolicyVersion, error) {
	if version == 0 {
		pv, err := cl.Policy(ctx)
		if err == nil && pv == nil {
			err = fmt.Errorf("no policy yet: publish one with `trellis registry policy publish --file policy.yaml`")
		}
		return pv, err
	}
	all, err := cl.PolicyVersions(ctx, 1000)
	if err != nil {
		return nil, err
	}
	for _, pv := range all {
		if pv.Version == int64(version) {
			return &pv, nil
		}
	}
	return nil, fmt.Errorf("the registry has no policy version %d (it keeps the newest 100): list them with `trellis registry policy history`", version)
}

func policyHistory(args []string, stdout, stderr io.Writer) int {
	c := newRegistryCommand("registry policy history", stdout, stderr, true)
	limit := c.fs.Int("limit", 20, "at most this many versions, newest first (1 to 1000)")
	return c.run(args, nil, func(ctx context.Context, cl *admin.Client) error {
		all, err := cl.PolicyVersions(ctx, *limit)
		if err != nil {
			return err
		}
		if *c.asJSON {
			return c.printJSON(policiesJSON(all))
		}
		rows := make([][]string, len(all))
		for i, pv := range all {
			rows[i] = []string{strconv.FormatInt(pv.Version, 10), when(pv.CreatedAt), pv.CreatedBy, shortHash(pv.Hash)}
		}
		table(stdout, "VERSION\tPUBLISHED\tBY\tSHA256", rows)
		return nil
	})
}

// policyJSON is a policy version in --json output, with the admin API's field names.
type policyJSON struct {
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
	Hash      string    `json:"hash"`
	Document  string    `json:"document"`
}

func policiesJSON(all []registry.PolicyVersion) []policyJSON {
	out := make([]policyJSON, len(all))
	for i, pv := range all {
		out[i] = policyJSON{pv.Version, pv.CreatedAt.UTC(), pv.CreatedBy, pv.Hash, pv.Document}
	}
	return out
}
