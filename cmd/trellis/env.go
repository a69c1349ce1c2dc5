package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// envPrefix starts the environment variables that override trellis.yaml: TRELLIS_ then the
// key path in upper case, levels separated by a double underscore, e.g.
// TRELLIS_RATE_LIMIT__LIMIT=5000 or TRELLIS_COST__MODE=enforce. A value is read as YAML
// (numbers, booleans, [lists] and {maps} work). Variables whose first level is not a
// section of the file (TRELLIS_GOSSIP_KEY, ...) are left alone.
const envPrefix = "TRELLIS_"

// applyEnv sets the overrides of environ in the document root (a mapping node). Levels
// that are keys of a map (a policy, a type or a subgraph name) keep their case; a value for
// a text key is taken as it is, any other is read as YAML. Shallower overrides apply first, so
// that TRELLIS_COST={...} and TRELLIS_COST__MODE=... compose whatever the environment's order.
func applyEnv(root *yaml.Node, environ []string) error {
	type override struct {
		path  []string
		value *yaml.Node
	}
	var all []override
	t := reflect.TypeOf(fileConfig{})
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) {
			continue
		}
		raw := strings.Split(strings.TrimPrefix(name, envPrefix), "__")
		if _, known := fieldByTag(t, strings.ToLower(raw[0])); !known {
			continue
		}
		path, leaf, err := resolvePath(t, raw)
		if err != nil {
			return fmt.Errorf("environment %s: %w", name, err)
		}
		all = append(all, override{path, envValue(value, leaf)})
	}
	slices.SortStableFunc(all, func(a, b override) int { return len(a.path) - len(b.path) })
	for _, o := range all {
		set(root, o.path, o.value)
	}
	return nil
}

// envValue is the YAML node of a variable's value for a key of type leaf.
func envValue(value string, leaf reflect.Type) *yaml.Node {
	for leaf.Kind() == reflect.Pointer {
		leaf = leaf.Elem()
	}
	if leaf.Kind() != reflect.String {
		var v yaml.Node
		if err := yaml.Unmarshal([]byte(value), &v); err == nil && len(v.Content) > 0 {
			return v.Content[0]
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value} // " #" is no comment here
}

// resolvePath turns the variable's levels into configuration keys (lower case, except keys
// of maps) and returns the type of the value, or reports a key the configuration lacks.
func resolvePath(t reflect.Type, raw []string) ([]string, reflect.Type, error) {
	path := make([]string, len(raw))
	for i, seg := range raw {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Map:
			path[i], t = seg, t.Elem()
		case reflect.Struct:
			key := strings.ToLower(seg)
			f, ok := fieldByTag(t, key)
			if !ok {
				return nil, nil, fmt.Errorf("unknown key %q%s", strings.Join(append(path[:i:i], key), "."), suggest(t, key))
			}
			path[i], t = key, f.Type
		default:
			return nil, nil, fmt.Errorf("%q has no key %q", strings.Join(path[:i], "."), seg)
		}
	}
	return path, t, nil
}

// set puts value at path in the mapping node, creating mappings on the way.
func set(m *yaml.Node, path []string, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != path[0] {
			continue
		}
		if len(path) == 1 {
			m.Content[i+1] = value
			return
		}
		if m.Content[i+1].Kind != yaml.MappingNode {
			m.Content[i+1] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
		set(m.Content[i+1], path[1:], value)
		return
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: path[0]}
	if len(path) == 1 {
		m.Content = append(m.Content, key, value)
		return
	}
	child := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, key, child)
	set(child, path[1:], value)
}
