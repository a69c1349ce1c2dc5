package main

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// plainKeys refuses mapping keys that are not plain strings: an alias used as a key (`*a: x`)
// or a merge key (`<<: *a`). yaml.v3 keeps an alias key's anchor name as its text, so a key
// check would read one name while decoding sets another. With values too (noAliases), it also
// refuses anchors and aliases anywhere: a central policy is written for many gateways and is
// checked key by key, so it has no use for them.
func plainKeys(n *yaml.Node, noAliases bool) []error {
	var errs []error
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if noAliases && (n.Kind == yaml.AliasNode || n.Anchor != "") {
			errs = append(errs, fmt.Errorf("%d:%d: YAML anchors and aliases (&name, *name) cannot be used here: write the value out", n.Line, n.Column))
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
					errs = append(errs, fmt.Errorf("%d:%d: a key must be a plain name, not an alias or a merge key (<<)", k.Line, k.Column))
					continue
				}
				walk(n.Content[i+1])
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return errs
}
