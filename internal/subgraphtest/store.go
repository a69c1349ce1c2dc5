package subgraphtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// store is a subgraph's data file: the root objects and the stored objects of
// each type. It is read-only once loaded, so requests share it.
type store struct {
	schema  *ast.Schema
	roots   map[string]map[string]any
	objects map[string][]map[string]any
}

// loadStore decodes a data file (see the package documentation) and checks it
// against the schema, so that a typo in a test case fails at New rather than
// as a puzzling null.
func loadStore(schema *ast.Schema, data []byte) (*store, error) {
	s := &store{schema: schema, roots: map[string]map[string]any{}, objects: map[string][]map[string]any{}}
	if len(bytes.TrimSpace(data)) == 0 {
		return s, nil
	}
	var top map[string]any
	if err := decodeJSON(data, &top); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	for name, v := range top {
		if isRoot(schema, name) {
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("data: %s must be an object", name)
			}
			s.roots[name] = obj
			continue
		}
		if def := schema.Types[name]; def == nil || def.Kind != ast.Object {
			return nil, fmt.Errorf("data: %s is not an object type of the schema", name)
		}
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("data: %s must be a list of objects", name)
		}
		for i, item := range list {
			obj, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("data: %s[%d] must be an object", name, i)
			}
			s.objects[name] = append(s.objects[name], obj)
		}
	}
	if err := s.checkRefs(top); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return s, nil
}

func isRoot(schema *ast.Schema, name string) bool {
	return (schema.Query != nil && schema.Query.Name == name) ||
		(schema.Mutation != nil && schema.Mutation.Name == name)
}

// checkRefs rejects a $ref to a type the schema lacks or that is not a
// composite type.
func (s *store) checkRefs(v any) error {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"]; ok {
			name, _ := ref.(string)
			if def := s.schema.Types[name]; def == nil || !def.IsCompositeType() {
				return fmt.Errorf("$ref %s is not a composite type of the schema", canonicalJSON(ref))
			}
		}
		for _, k := range sortedKeys(v) {
			if err := s.checkRefs(v[k]); err != nil {
				return err
			}
		}
	case []any:
		for _, item := range v {
			if err := s.checkRefs(item); err != nil {
				return err
			}
		}
	}
	return nil
}

// object turns a field's stored value into the object of a composite type
// that it stands for. A $ref that matches no stored object gives nil.
func (s *store) object(v any, want *ast.Definition) (*object, string) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("data for %s is not an object: %s", want.Name, canonicalJSON(v))
	}
	typ := want.Name
	switch ref, isRef := m["$ref"].(string); {
	case isRef:
		if typ, m = s.lookup(ref, m); m == nil {
			return nil, ""
		}
	case want.Kind != ast.Object:
		if typ, _ = m["__typename"].(string); typ == "" {
			return nil, fmt.Sprintf("data for abstract type %s has no __typename", want.Name)
		}
	}
	if !s.possible(typ, want) {
		return nil, fmt.Sprintf("%s is not a possible type of %s", typ, want.Name)
	}
	return &object{typ: typ, data: m}, ""
}

// possible reports whether typ is an object type that a field of type want
// may hold.
func (s *store) possible(typ string, want *ast.Definition) bool {
	if def := s.schema.Types[typ]; def == nil || def.Kind != ast.Object {
		return false
	}
	return typ == want.Name || slices.ContainsFunc(s.schema.PossibleTypes[want.Name], func(d *ast.Definition) bool {
		return d.Name == typ
	})
}

// candidates lists the types whose stored objects a reference to name may
// mean: name itself, or for an abstract type its object types.
func (s *store) candidates(name string) []string {
	def := s.schema.Types[name]
	if def == nil {
		return nil
	}
	if def.Kind == ast.Object {
		return []string{name}
	}
	var out []string
	for _, p := range s.schema.PossibleTypes[name] {
		if p.Kind == ast.Object {
			out = append(out, p.Name)
		}
	}
	return out
}

// lookup finds the stored object a $ref names: the first, in data file order,
// of its type (or of an object type of it, if abstract) that has the ref's
// other fields.
func (s *store) lookup(name string, ref map[string]any) (string, map[string]any) {
	want := make(map[string]any, len(ref))
	for k, v := range ref {
		if k != "$ref" {
			want[k] = v
		}
	}
	for _, typ := range s.candidates(name) {
		for _, obj := range s.objects[typ] {
			if s.contains(obj, want) {
				return typ, obj
			}
		}
	}
	return "", nil
}

// contains reports whether stored has each of want's fields. Objects nested
// in want are compared field by field with the object stored there, itself
// possibly a $ref; anything else is compared as JSON.
func (s *store) contains(stored, want map[string]any) bool {
	for k, w := range want {
		v, ok := stored[k]
		if !ok {
			return false
		}
		if wm, isObject := w.(map[string]any); isObject && wm["$ref"] == nil {
			vm, _ := s.deref(v).(map[string]any)
			if vm == nil || !s.contains(vm, wm) {
				return false
			}
			continue
		}
		if canonicalJSON(v) != canonicalJSON(w) {
			return false
		}
	}
	return true
}

// deref replaces a $ref by the object it names, nil if none.
func (s *store) deref(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	name, ok := m["$ref"].(string)
	if !ok {
		return v
	}
	if _, obj := s.lookup(name, m); obj != nil {
		return obj
	}
	return nil
}

// decodeJSON decodes keeping numbers as written.
func decodeJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// canonicalJSON is compact JSON with object keys sorted, numbers as written
// and no HTML escaping.
func canonicalJSON(v any) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
