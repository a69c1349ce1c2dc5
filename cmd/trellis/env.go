package main

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// envPrefix starts the environment variables that override trellis.yaml: TRELLIS_ then the
// key path in upper case, levels separated by a double underscore, e.g.
// TRELLIS_RATE_LIMIT__LIMIT=5000 or TRELLIS_COST__MODE=enforce. A value is read as YAML
// (numbers, booleans, [lists] and {maps} work). Variables whose first level is not a
// section of the file (TRELLIS_GOSSIP_KEY, ...) are left alone.
const envPrefix = "TRELLIS_"

// applyEnv sets the overrides of environ in the document root (a mapping node).
func applyEnv(root *yaml.Node, environ []string) error {
	t := reflect.TypeOf(fileConfig{})
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) {
			continue
		}
		path := strings.Split(strings.ToLower(strings.TrimPrefix(name, envPrefix)), "__")
		if _, known := fieldByTag(t, path[0]); !known {
			continue
		}
		if err := checkPath(t, path); err != nil {
			return fmt.Errorf("environment %s: %w", name, err)
		}
		var v yaml.Node
		if err := yaml.Unmarshal([]byte(value), &v); err != nil || len(v.Content) == 0 {
			v = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}}}
		}
		set(root, path, v.Content[0])
	}
	return nil
}

// checkPath reports a key path the configuration does not have, with the closest key.
func checkPath(t reflect.Type, path []string) error {
	for i, key := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
			continue
		case reflect.Struct:
			f, ok := fieldByTag(t, key)
			if !ok {
				return fmt.Errorf("unknown key %q%s", strings.Join(path[:i+1], "."), suggest(t, key))
			}
			t = f.Type
		default:
			return fmt.Errorf("%q has no key %q", strings.Join(path[:i], "."), key)
		}
	}
	return nil
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
