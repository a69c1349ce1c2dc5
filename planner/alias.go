package planner

import "fmt"

// aliasRequirement returns copies of requirement fields selected on typeName at path, each
// under a response key that does not clash with a different field at the same location: a
// requirement whose field the client also selects with other arguments, or two requirements
// of one field with different arguments, get an internal alias. The representation is still
// built under the field's name (see Requirement).
func (b *builder) aliasRequirement(path []string, typeName string, fields []*Field) []*Field {
	loc := locKey(path, typeName)
	out := make([]*Field, 0, len(fields))
	for _, f := range fields {
		cp := *f
		id := identity(f)
		key := loc + "." + f.Alias
		switch have, taken := b.keys[key]; {
		case !taken:
			b.keys[key] = id
		case have != id:
			cp.Alias = b.freeAlias(loc, id)
		}
		if f.Selection != nil {
			cp.Selection = b.aliasSelection(childPath(path, &cp), f.Selection)
		}
		out = append(out, &cp)
	}
	return out
}

func (b *builder) aliasSelection(path []string, sel *SelectionSet) *SelectionSet {
	out := &SelectionSet{Type: sel.Type}
	for _, c := range sel.Cases {
		p := path
		if sel.Abstract() {
			p = casePath(path, c.Type)
		}
		out.Cases = append(out.Cases, &Case{Type: c.Type, Fields: b.aliasRequirement(p, c.Type, c.Fields)})
	}
	return out
}

// freeAlias finds the internal alias for field identity id at loc, reusing one already given.
func (b *builder) freeAlias(loc, id string) string {
	for n := 0; ; n++ {
		alias := fmt.Sprintf("trellis_req_%d", n)
		switch have, taken := b.keys[loc+"."+alias]; {
		case !taken:
			b.keys[loc+"."+alias] = id
			return alias
		case have == id:
			return alias
		}
	}
}

// freeName returns base, or base_1, base_2, ..., the first name taken does not report.
func freeName(base string, taken func(string) bool) string {
	name := base
	for n := 1; taken(name); n++ {
		name = fmt.Sprintf("%s_%d", base, n)
	}
	return name
}
