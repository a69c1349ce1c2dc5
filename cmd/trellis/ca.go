package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/trellis-gql/trellis/resilience/identity"
)

const caUsage = `Usage:
  trellis ca init   --dir DIR --trust-domain DOMAIN [--lifetime 87600h]
  trellis ca issue  --dir DIR (--subgraph NAME | --gateway NAME) [--ttl 24h] [--out DIR]
  trellis ca rotate --dir DIR [--lifetime 87600h]   add a new root; the old stays trusted
  trellis ca retire --dir DIR                       trust only the newest root
`

// ca manages the trust domain's CA and issues SPIFFE certificates.
func ca(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, caUsage)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, caUsage)
		return 0
	}
	fs := flag.NewFlagSet("ca "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".trellis/ca", "the CA's folder (ca.pem, ca-key.pem, bundle.pem)")
	domain := fs.String("trust-domain", "", "trust domain of the identities, e.g. example.org")
	lifetime := fs.Duration("lifetime", 10*365*24*time.Hour, "lifetime of a root")
	subgraph := fs.String("subgraph", "", "issue for this subgraph: spiffe://DOMAIN/subgraph/NAME")
	gateway := fs.String("gateway", "", "issue for this gateway: spiffe://DOMAIN/gateway/NAME")
	ttl := fs.Duration("ttl", 24*time.Hour, "lifetime of an issued certificate")
	out := fs.String("out", "", "folder for the certificate and key (default: --dir)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "trellis ca %s: %v\n", args[0], err)
		return 1
	}
	switch args[0] {
	case "init":
		if *domain == "" {
			return fail(fmt.Errorf("--trust-domain is required, e.g. --trust-domain example.org"))
		}
		if err := identity.InitCA(*dir, *domain, *lifetime); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "CA for spiffe://%s in %s (bundle: %s/%s)\n", *domain, *dir, *dir, identity.BundleFile)
	case "issue":
		if *domain != "" {
			if td, err := identity.TrustDomainOf(*dir); err == nil && td != *domain {
				return fail(fmt.Errorf("--trust-domain %s: the CA in %s is for %s; it issues for its own domain only", *domain, *dir, td))
			}
		}
		return issue(*dir, *subgraph, *gateway, *ttl, *out, stdout, fail)
	case "rotate":
		if err := identity.RotateCA(*dir, *lifetime); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "new root added to %s/%s; reissue the certificates, then run trellis ca retire\n", *dir, identity.BundleFile)
	case "retire":
		n, err := identity.RetireRoots(*dir)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%d old root(s) removed from %s/%s\n", n, *dir, identity.BundleFile)
	default:
		fmt.Fprintf(stderr, "trellis ca: unknown subcommand %q\n\n%s", args[0], caUsage)
		return 2
	}
	return 0
}

func issue(dir, subgraph, gateway string, ttl time.Duration, out string, stdout io.Writer, fail func(error) int) int {
	if (subgraph == "") == (gateway == "") {
		return fail(fmt.Errorf("give one of --subgraph NAME or --gateway NAME"))
	}
	kind, name := identity.KindSubgraph, subgraph
	if gateway != "" {
		kind, name = identity.KindGateway, gateway
	}
	domain, err := identity.TrustDomainOf(dir)
	if err != nil {
		return fail(err)
	}
	id, err := identity.NewID(domain, kind, name)
	if err != nil {
		return fail(err)
	}
	if out == "" {
		out = dir
	}
	cert, key, err := identity.Issue(dir, id, ttl, out)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "%s\n  certificate %s\n  key         %s\n", id, cert, key)
	return 0
}
