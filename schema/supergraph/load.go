package supergraph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Load parses a supergraph SDL. file names the source in errors. The returned error is an
// Errors value listing every problem found, each with file, line and column.
func Load(file, sdl string) (*Supergraph, error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: file, Input: sdl})
	if err != nil {
		return nil, fromGQL(file, err)
	}
	full, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fromGQL(file, err)
	}
	errs := &errorList{file: file}
	links := parseLinks(doc, errs)
	join := checkLinks(links, errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	s := &Supergraph{Schema: full, SDL: sdl, JoinVersion: join.Version, Types: map[string]*Type{}, links: links}
	d := &decoder{s: s, p: join.Prefix + "__", errs: errs}
	d.graphs()
	d.types()
	s.readAccess(errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	api, err := buildAPI(file, sdl, links)
	if err != nil {
		return nil, err
	}
	s.API = api
	if err := s.CheckCost(); err != nil {
		return nil, err
	}
	return s, nil
}

// decoder reads the join__* directives of one supergraph.
type decoder struct {
	s    *Supergraph
	p    string // join directive prefix, "join__" unless renamed
	errs *errorList
}

func (d *decoder) graphs() {
	s := d.s
	s.byEnum, s.byName = map[string]*Graph{}, map[string]*Graph{}
	enum := s.Schema.Types[d.p+"Graph"]
	if enum == nil {
		d.errs.add(nil, "enum %sGraph is missing: a supergraph lists its subgraphs there", d.p)
		return
	}
	for _, v := range enum.EnumValues {
		dir := v.Directives.ForName(d.p + "graph")
		if dir == nil {
			d.errs.add(v.Position, "%sGraph.%s has no @%sgraph(name:, url:)", d.p, v.Name, d.p)
			continue
		}
		g := &Graph{Enum: v.Name, Name: strArg(dir, "name"), URL: strArg(dir, "url")}
		if g.Name == "" {
			d.errs.add(dir.Position, "@%sgraph on %s needs a non-empty name", d.p, v.Name)
			continue
		}
		s.Graphs = append(s.Graphs, g)
		s.byEnum[g.Enum] = g
		s.byName[g.Name] = g
	}
}

func (d *decoder) types() {
	names := make([]string, 0, len(d.s.Schema.Types))
	for n := range d.s.Schema.Types {
		names = append(names, n)
	}
	sort.Strings(names)
	labels := map[string]bool{}
	for _, n := range names {
		def := d.s.Schema.Types[n]
		if def.BuiltIn || !def.IsCompositeType() || strings.HasPrefix(n, "__") {
			continue
		}
		t := d.typeIn(def)
		d.fields(def, t)
		keyFields(t)
		d.s.Types[n] = t
		for _, f := range t.Fields {
			for _, in := range f.In {
				if in.OverrideLabel != "" {
					labels[in.OverrideLabel] = true
				}
			}
		}
	}
	d.membership()
	for l := range labels {
		d.s.OverrideLabels = append(d.s.OverrideLabels, l)
	}
	sort.Strings(d.s.OverrideLabels)
}

// typeIn decodes @join__type (and Federation 1's @join__owner).
func (d *decoder) typeIn(def *ast.Definition) *Type {
	t := &Type{Name: def.Name, Kind: def.Kind, In: map[string]*TypeIn{}, Fields: map[string]*Field{}}
	for _, dir := range def.Directives.ForNames(d.p + "type") {
		g := d.graphArg(dir)
		if g == nil {
			continue
		}
		in := t.In[g.Name]
		if in == nil {
			in = &TypeIn{Implements: map[string]bool{}, Members: map[string]bool{}}
			t.In[g.Name] = in
		}
		in.Extension = boolArg(dir, "extension", false)
		in.InterfaceObject = boolArg(dir, "isInterfaceObject", false)
		if fs := strArg(dir, "key"); fs != "" {
			sel, ok := d.fieldSet(dir.Position, def.Name, fs)
			if ok {
				in.Keys = append(in.Keys, &Key{Fields: fs, Selection: sel, Resolvable: boolArg(dir, "resolvable", true)})
			}
		}
	}
	if len(t.In) == 0 {
		// Without @join__type (join v0.1 value types) a type exists in every graph.
		for _, g := range d.s.Graphs {
			t.In[g.Name] = &TypeIn{Implements: map[string]bool{}, Members: map[string]bool{}}
		}
	}
	return t
}

// fields decodes @join__field on every field of def.
func (d *decoder) fields(def *ast.Definition, t *Type) {
	owner := ""
	if o := def.Directives.ForName(d.p + "owner"); o != nil {
		if g := d.graphArg(o); g != nil {
			owner = g.Name
		}
	}
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		f := &Field{Name: fd.Name, In: map[string]*FieldIn{}}
		t.Fields[fd.Name] = f
		dirs := fd.Directives.ForNames(d.p + "field")
		for _, dir := range dirs {
			if dir.Arguments.ForName("contextArguments") != nil {
				d.errs.add(dir.Position, "%s.%s uses contextArguments (@fromContext), which Trellis does not implement yet", def.Name, fd.Name)
			}
			g := d.graphArg(dir)
			if g == nil {
				// @join__field without graph (join v0.3+) marks a field no subgraph resolves
				// directly, e.g. an interface field only implementations resolve.
				continue
			}
			f.In[g.Name] = d.fieldIn(dir, def.Name, fd)
		}
		if len(dirs) > 0 {
			continue
		}
		for name := range t.In {
			if owner == "" || owner == name || d.s.isKeyField(name, t, fd.Name) {
				f.In[name] = &FieldIn{}
			}
		}
	}
}

func (d *decoder) fieldIn(dir *ast.Directive, parent string, fd *ast.FieldDefinition) *FieldIn {
	in := &FieldIn{
		External:       boolArg(dir, "external", false),
		UsedOverridden: boolArg(dir, "usedOverridden", false),
		Override:       strArg(dir, "override"),
		OverrideLabel:  strArg(dir, "overrideLabel"),
		Type:           strArg(dir, "type"),
		RequiresRaw:    strArg(dir, "requires"),
		ProvidesRaw:    strArg(dir, "provides"),
	}
	if in.RequiresRaw != "" {
		in.Requires, _ = d.fieldSet(dir.Position, parent, in.RequiresRaw)
	}
	if in.ProvidesRaw != "" {
		in.Provides, _ = d.fieldSet(dir.Position, fd.Type.Name(), in.ProvidesRaw)
	}
	return in
}

// keyFields makes the fields of every key available in the graph that declares the key:
// Federation 1 supergraphs list key fields only under their owner, yet every graph with the
// key receives them in representations.
func keyFields(t *Type) {
	for g, in := range t.In {
		for _, k := range in.Keys {
			for _, sel := range k.Selection {
				f, ok := sel.(*ast.Field)
				if !ok || t.Fields[f.Name] == nil || t.Fields[f.Name].In[g] != nil {
					continue
				}
				t.Fields[f.Name].In[g] = &FieldIn{}
			}
		}
	}
}

// membership decodes @join__implements and @join__unionMember, falling back to presence in
// the graph for join versions that predate them.
func (d *decoder) membership() {
	explicitImpl := d.s.JoinVersion != "0.1"
	explicitUnion := explicitImpl && d.s.JoinVersion != "0.2"
	for name, t := range d.s.Types {
		def := d.s.Schema.Types[name]
		switch def.Kind {
		case ast.Object, ast.Interface:
			if !explicitImpl {
				d.byPresence(t, def.Interfaces, func(in *TypeIn) map[string]bool { return in.Implements })
			}
			d.explicit(t, def.Directives.ForNames(d.p+"implements"), "interface", func(in *TypeIn) map[string]bool { return in.Implements })
		case ast.Union:
			if !explicitUnion {
				d.byPresence(t, def.Types, func(in *TypeIn) map[string]bool { return in.Members })
			}
			d.explicit(t, def.Directives.ForNames(d.p+"unionMember"), "member", func(in *TypeIn) map[string]bool { return in.Members })
		}
	}
	d.interfaceObjects()
}

// byPresence relates t to each of names in every graph that knows both: join versions
// without @join__implements / @join__unionMember say no more.
func (d *decoder) byPresence(t *Type, names []string, set func(*TypeIn) map[string]bool) {
	for g, in := range t.In {
		for _, n := range names {
			if other := d.s.Types[n]; other != nil && other.In[g] != nil {
				set(in)[n] = true
			}
		}
	}
}

// explicit relates t to what each @join__implements / @join__unionMember names in its graph.
func (d *decoder) explicit(t *Type, dirs ast.DirectiveList, arg string, set func(*TypeIn) map[string]bool) {
	for _, dir := range dirs {
		if in := t.In[nameOf(d.graphArg(dir))]; in != nil {
			set(in)[strArg(dir, arg)] = true
		}
	}
}

// interfaceObjects makes every implementation of an @interfaceObject interface known to the
// graph that declares it, with the interface's keys and fields: that graph resolves them
// through _entities with the interface's name as __typename.
func (d *decoder) interfaceObjects() {
	for _, name := range sortedKeys(d.s.Types) {
		it := d.s.Types[name]
		for _, g := range sortedKeys(it.In) {
			in := it.In[g]
			if !in.InterfaceObject {
				continue
			}
			for _, impl := range d.s.Schema.GetPossibleTypes(d.s.Schema.Types[it.Name]) {
				ot := d.s.Types[impl.Name]
				if ot == nil || ot.In[g] != nil {
					continue
				}
				ot.In[g] = &TypeIn{Keys: in.Keys, Implements: map[string]bool{it.Name: true}, Members: map[string]bool{}, InterfaceObject: true}
				for fname, f := range it.Fields {
					if fin := f.In[g]; fin != nil && ot.Fields[fname] != nil {
						ot.Fields[fname].In[g] = fin
					}
				}
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (d *decoder) graphArg(dir *ast.Directive) *Graph {
	a := dir.Arguments.ForName("graph")
	if a == nil || a.Value == nil {
		return nil
	}
	g := d.s.byEnum[a.Value.Raw]
	if g == nil {
		d.errs.add(a.Position, "graph %s is not a value of %sGraph", a.Value.Raw, d.p)
	}
	return g
}

// fieldSet parses a join__FieldSet selected on typeName and checks it against the schema:
// a key or requirement naming a field that does not exist is refused at load, not met as a
// puzzling planning failure later.
func (d *decoder) fieldSet(pos *ast.Position, typeName, fs string) (ast.SelectionSet, bool) {
	doc, err := parser.ParseQuery(&ast.Source{Input: "{" + fs + "}"})
	if err != nil || len(doc.Operations) != 1 {
		d.errs.add(pos, "field set %q on %s does not parse: %v", fs, typeName, err)
		return nil, false
	}
	set := doc.Operations[0].SelectionSet
	if problem := checkFieldSet(d.s.Schema, typeName, set); problem != "" {
		d.errs.add(pos, "field set %q on %s: %s", fs, typeName, problem)
		return nil, false
	}
	return set, true
}

// checkFieldSet returns what is wrong with set selected on typeName, or "".
func checkFieldSet(schema *ast.Schema, typeName string, set ast.SelectionSet) string {
	def := schema.Types[typeName]
	if def == nil {
		return fmt.Sprintf("unknown type %s", typeName)
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			fd := def.Fields.ForName(s.Name)
			if fd == nil {
				return fmt.Sprintf("%s has no field %q", typeName, s.Name)
			}
			if problem := checkFieldSet(schema, fd.Type.Name(), s.SelectionSet); len(s.SelectionSet) > 0 && problem != "" {
				return problem
			}
		case *ast.InlineFragment:
			if s.TypeCondition != "" && schema.Types[s.TypeCondition] == nil {
				return fmt.Sprintf("unknown type %s in a fragment", s.TypeCondition)
			}
			cond := s.TypeCondition
			if cond == "" {
				cond = typeName
			}
			if problem := checkFieldSet(schema, cond, s.SelectionSet); problem != "" {
				return problem
			}
		default:
			return "fragment spreads are not allowed in field sets"
		}
	}
	return ""
}

func nameOf(g *Graph) string {
	if g == nil {
		return ""
	}
	return g.Name
}

func strArg(dir *ast.Directive, name string) string {
	a := dir.Arguments.ForName(name)
	if a == nil || a.Value == nil || a.Value.Kind == ast.NullValue {
		return ""
	}
	return a.Value.Raw
}

func boolArg(dir *ast.Directive, name string, def bool) bool {
	a := dir.Arguments.ForName(name)
	if a == nil || a.Value == nil || a.Value.Kind != ast.BooleanValue {
		return def
	}
	return a.Value.Raw == "true"
}

func (g *Graph) String() string { return fmt.Sprintf("%s (%s)", g.Name, g.URL) }
