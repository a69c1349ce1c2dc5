package main

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/registry"
	"gopkg.in/yaml.v3"
)

// A central policy is a YAML document with the traffic-policy sections of trellis.yaml,
// published to the registry and merged under the local file of every gateway that follows
// it (docs/central-policy.md). This file is what a policy may hold and how it merges.

// policySections are the sections a policy may set: what shapes traffic, the same for every
// gateway. The rest (listen, supergraph, dev, dedup, auth, authorization, persisted_queries,
// entity_cache, telemetry) is each gateway's own: addresses, keys, files and exporters.
var policySections = []string{"cost", "headers", "limits", "rate_limit", "resilience", "timeouts", "traffic"}

// policyLocalKeys are keys inside those sections that stay local, and why.
var policyLocalKeys = map[string]string{
	"rate_limit.redis":    "the Redis address is each gateway's (its file, TRELLIS_RATE_LIMIT__REDIS__URL or --redis)",
	"rate_limit.api_keys": "API keys are secrets: keep them in each gateway's file or environment",
	"resilience.zone":     "the zone is where each gateway runs (its file or --zone)",
}

// policyName names a policy version in errors and logs: "registry policy v3".
func policyName(pv *registry.PolicyVersion) string {
	return fmt.Sprintf("registry policy v%d", pv.Version)
}

// validatePolicy is the registry's Options.ValidatePolicy: every check a gateway makes of a
// policy on its own, with errors naming "policy:LINE:COL".
func validatePolicy(doc string) error {
	_, err := loadPolicy("policy", doc)
	return err
}

// loadPolicy parses and checks the policy document doc, named name in errors, on its own: only
// policy sections and keys, every key known, values of the right type, and the result of
// the policy over the built-in defaults valid. It returns the document's mapping, freshly
// parsed (the caller may change it).
func loadPolicy(name, doc string) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:1:1: a policy is a mapping of sections (%s), e.g. traffic: {cors: {origins: [https://app.example.com]}}",
			name, strings.Join(policySections, ", "))
	}
	m := root.Content[0]
	if errs := plainKeys(m, true); len(errs) > 0 {
		return nil, prefixErrors(name, errs)
	}
	if errs := policyKeys(m); len(errs) > 0 {
		return nil, prefixErrors(name, errs)
	}
	if errs := checkKeys(m, reflect.TypeOf(fileConfig{}), ""); len(errs) > 0 {
		return nil, prefixErrors(name, errs)
	}
	var f fileConfig
	if err := m.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
	}
	cfg := executor.DefaultConfig()
	if err := f.check(name, &cfg); err != nil {
		return nil, err
	}
	return m, nil
}

// policyKeys refuses the sections and keys a policy may not set, with their positions.
func policyKeys(m *yaml.Node) []error {
	var errs []error
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !slices.Contains(policySections, k.Value) {
			errs = append(errs, fmt.Errorf("%d:%d: key %q is not traffic policy: it stays in each gateway's trellis.yaml (a policy may set %s)",
				k.Line, k.Column, k.Value, strings.Join(policySections, ", ")))
			continue
		}
		if v.Kind != yaml.MappingNode {
			continue // a type mismatch: Decode reports it with its line
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			sub := v.Content[j]
			if why, local := policyLocalKeys[k.Value+"."+sub.Value]; local {
				errs = append(errs, fmt.Errorf("%d:%d: key %q cannot be in a policy: %s", sub.Line, sub.Column, k.Value+"."+sub.Value, why))
			}
		}
	}
	return errs
}

func prefixErrors(name string, errs []error) error {
	for i, e := range errs {
		errs[i] = fmt.Errorf("%s:%w", name, e)
	}
	return errors.Join(errs...)
}

// mergeUnder lays local over policy: where both are mappings they merge key by key,
// recursively; otherwise local's value (a scalar, a sequence) replaces the policy's. A key
// local leaves out, or gives no value (null), keeps the policy's. An empty mapping written
// in local (`faults: {}`) replaces the policy's: it is how a file pins "none of these".
// Nodes are shared, not copied; the result is a new mapping wherever the two merged.
func mergeUnder(policy, local *yaml.Node) *yaml.Node {
	switch {
	case policy == nil:
		return local
	case local == nil || isNull(local):
		return policy
	case policy.Kind != yaml.MappingNode || local.Kind != yaml.MappingNode || pinsEmpty(local):
		return local
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: local.Line, Column: local.Column}
	merged := map[int]bool{} // indexes of local's keys merged with the policy's
	for i := 0; i+1 < len(policy.Content); i += 2 {
		k, v := policy.Content[i], policy.Content[i+1]
		if j := lookup(local, k.Value); j >= 0 {
			k, v = local.Content[j], mergeUnder(v, local.Content[j+1])
			merged[j] = true
		}
		out.Content = append(out.Content, k, v)
	}
	for i := 0; i+1 < len(local.Content); i += 2 {
		if !merged[i] { // a key repeated in local stays repeated: Decode reports it
			out.Content = append(out.Content, local.Content[i], local.Content[i+1])
		}
	}
	return out
}

// pinsEmpty reports whether m is an empty mapping written as `{}` in the file, not the empty
// mapping that stands for a file without content.
func pinsEmpty(m *yaml.Node) bool {
	return len(m.Content) == 0 && m.Style&yaml.FlowStyle != 0
}

// lookup returns the index of key in mapping m (the first, if repeated), or -1.
func lookup(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }
