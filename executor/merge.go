package executor

import "github.com/vektah/gqlparser/v2/ast"

// merge deep-merges a subgraph's object into the response tree. A concrete __typename already
// known is kept: a subgraph that knows an entity only as an @interfaceObject answers with
// the interface's name.
func (e *execution) merge(dst, src map[string]any) {
	for k, v := range src {
		cur, exists := dst[k]
		if !exists {
			dst[k] = v
			continue
		}
		if k == "__typename" {
			if name, ok := cur.(string); ok && e.isObject(name) {
				continue
			}
			dst[k] = v
			continue
		}
		switch c := cur.(type) {
		case map[string]any:
			if vm, ok := v.(map[string]any); ok {
				e.merge(c, vm)
				continue
			}
		case []any:
			if vl, ok := v.([]any); ok && len(vl) == len(c) {
				e.mergeList(c, vl)
				continue
			}
		}
		dst[k] = v
	}
}

func (e *execution) mergeList(dst, src []any) {
	for i := range dst {
		switch d := dst[i].(type) {
		case map[string]any:
			if s, ok := src[i].(map[string]any); ok {
				e.merge(d, s)
				continue
			}
		case []any:
			if s, ok := src[i].([]any); ok && len(s) == len(d) {
				e.mergeList(d, s)
				continue
			}
		}
		dst[i] = src[i]
	}
}

func (e *execution) isObject(name string) bool {
	def := e.st.sg.Schema.Types[name]
	return def != nil && def.Kind == ast.Object
}
