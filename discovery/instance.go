package discovery

import (
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"
)

// Role says what a member does in the mesh.
type Role string

const (
	// RoleGateway is a Trellis gateway: it routes fetches, it serves none.
	RoleGateway Role = "gateway"
	// RoleSubgraph is an instance of a subgraph: Subgraph and URL say which and where.
	RoleSubgraph Role = "subgraph"
)

// Weights are relative shares of traffic among the instances of one subgraph, as Envoy's
// load_balancing_weight: an instance of weight 2 gets twice the share of one of weight 1.
const (
	// DefaultWeight is the weight of an instance that does not say otherwise; a zero Weight
	// in a Config is read as DefaultWeight.
	DefaultWeight = 1
	// MaxWeight bounds Weight; 1..1000 leaves room for a 0.1% canary.
	MaxWeight = 1000
)

// Instance is one member of the cluster as the others see it: its node name and what it
// advertises in its node metadata.
type Instance struct {
	// Node is the memberlist node name, unique in the cluster. Join sets it from
	// Config.NodeName; leave it empty in Config.Self.
	Node string
	// Role is RoleGateway or RoleSubgraph.
	Role Role
	// Subgraph is, for RoleSubgraph, the subgraph's name as in the supergraph (its
	// @join__graph name). Empty for a gateway.
	Subgraph string
	// URL is the GraphQL endpoint, such as https://127.0.0.1:4102/graphql: required for a
	// subgraph instance, optional for a gateway.
	URL string
	// Version is free text, such as a release or a commit; it routes nothing by itself.
	Version string
	// Zone is the instance's failure domain (availability zone, rack, host), for
	// zone-aware balancing; free text, may be empty.
	Zone string
	// Weight is the instance's relative share of its subgraph's traffic, 1 to MaxWeight;
	// 0 in a Config means DefaultWeight.
	Weight int
}

// validate reports what is wrong with an instance as advertised, each error naming the key
// under prefix (such as "discovery.self"). The node name is checked by the caller.
func (in Instance) validate(prefix string) error {
	var errs []error
	for _, f := range []struct{ key, val string }{
		{"subgraph", in.Subgraph}, {"url", in.URL}, {"version", in.Version}, {"zone", in.Zone},
	} {
		if !utf8.ValidString(f.val) {
			errs = append(errs, fmt.Errorf("%s.%s: not valid UTF-8", prefix, f.key))
		}
	}
	switch in.Role {
	case RoleSubgraph:
		if in.Subgraph == "" {
			errs = append(errs, fmt.Errorf("%s.subgraph: required for role %q: the subgraph's name as in the supergraph", prefix, RoleSubgraph))
		}
		if in.URL == "" {
			errs = append(errs, fmt.Errorf("%s.url: required for role %q, e.g. http://10.0.0.7:4001/graphql", prefix, RoleSubgraph))
		}
	case RoleGateway:
		if in.Subgraph != "" {
			errs = append(errs, fmt.Errorf("%s.subgraph: only for role %q; this member has role %q", prefix, RoleSubgraph, RoleGateway))
		}
	default:
		errs = append(errs, fmt.Errorf("%s.role: must be %q or %q; got %q", prefix, RoleGateway, RoleSubgraph, in.Role))
	}
	if in.URL != "" {
		if err := checkURL(in.URL); err != nil {
			errs = append(errs, fmt.Errorf("%s.url: %w", prefix, err))
		}
	}
	if in.Weight < 1 || in.Weight > MaxWeight {
		errs = append(errs, fmt.Errorf("%s.weight: must be 1 to %d; got %d", prefix, MaxWeight, in.Weight))
	}
	return errors.Join(errs...)
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must be an http:// or https:// URL; got %q", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("has no host; got %q", raw)
	}
	return nil
}
