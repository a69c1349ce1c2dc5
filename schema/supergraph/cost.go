package supergraph

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Costs is what the cost directives of a supergraph say: @cost weights on types, fields,
// arguments and input fields, and @listSize on fields. The directives are those of the IBM
// GraphQL cost spec as Apollo Federation links them (https://specs.apollo.dev/cost/v0.1),
// or, in a supergraph that does not link that spec, directives literally named @cost and
// @listSize whose definitions take the spec's arguments. A Costs is immutable and safe for
// concurrent use; a nil *Costs has no weights.
type Costs struct {
	types  map[string]float64
	fields map[fieldKey]*FieldCost
}

type fieldKey struct{ typ, field string }

// FieldCost is the cost directives of one field of an object, interface or input type.
type FieldCost struct {
	// Weight is the field's own @cost weight, set when HasWeight. It replaces the weight of
	// the field's type.
	Weight    float64
	HasWeight bool
	// Arguments maps an argument name to its own @cost weight; nil when no argument has one.
	Arguments map[string]float64
	// ListSize is the field's @listSize, or nil.
	ListSize *ListSize
}

// ListSize is one @listSize: how many items a list field returns.
type ListSize struct {
	// AssumedSize is the size assumed when no slicing argument gives one; set when
	// HasAssumedSize.
	AssumedSize    int
	HasAssumedSize bool
	// SlicingArguments are paths to the arguments that bound the list, each an argument
	// name then input field names: "first" is [first], "input.pagination.first" is
	// [input pagination first]. Each ends in an Int (the size) or a list (its length).
	SlicingArguments [][]string
	// SizedFields are paths from the field's type to the lists the size applies to, e.g.
	// [edges] for "edges" on a connection, [results page] for "results { page }".
	SizedFields [][]string
	// RequireOneSlicingArgument asks operations to give exactly one slicing argument.
	RequireOneSlicingArgument bool
}

// Field returns the cost directives of typ.field (an output or input field), or nil.
func (c *Costs) Field(typ, field string) *FieldCost {
	if c == nil {
		return nil
	}
	return c.fields[fieldKey{typ, field}]
}

// Type returns the @cost weight of a named type.
func (c *Costs) Type(name string) (weight float64, ok bool) {
	if c == nil {
		return 0, false
	}
	weight, ok = c.types[name]
	return weight, ok
}

// HasFields reports whether any field or argument carries a cost directive.
func (c *Costs) HasFields() bool { return c != nil && len(c.fields) > 0 }

// Empty reports whether the supergraph has no cost directive at all.
func (c *Costs) Empty() bool { return c == nil || len(c.types) == 0 && len(c.fields) == 0 }

// CheckCost reports malformed cost directives (a weight that is not a number, a slicing
// argument or sized field naming nothing, @listSize on a field that is not a list, ...) as
// Errors with file, line and column.
func (s *Supergraph) CheckCost() error {
	_, err := s.Costs()
	return err
}

// Costs reads the cost directives of the supergraph. It walks the whole schema: call it once
// per supergraph and keep the result (the cost package does). The error is as CheckCost's.
func (s *Supergraph) Costs() (*Costs, error) {
	c := &Costs{types: map[string]float64{}, fields: map[fieldKey]*FieldCost{}}
	r := &costReader{s: s, c: c, names: s.costNames(), errs: &errorList{file: s.sourceName()}}
	if r.names.cost == "" && r.names.listSize == "" {
		return c, nil
	}
	for _, name := range sortedKeys(s.Schema.Types) {
		if def := s.Schema.Types[name]; !def.BuiltIn {
			r.definition(def)
		}
	}
	r.inherit()
	sort.SliceStable(r.errs.errs, func(i, j int) bool {
		a, b := r.errs.errs[i], r.errs.errs[j]
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	if err := r.errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// costNames are the local names of @cost and @listSize; "" when absent.
type costNames struct{ cost, listSize string }

// The arguments of the spec's directives, for schemas that define them without @link.
var (
	costArgs     = map[string]bool{"weight": true}
	listSizeArgs = map[string]bool{"assumedSize": true, "slicingArguments": true, "sizedFields": true, "requireOneSlicingArgument": true}
)

func (s *Supergraph) costNames() costNames {
	n := costNames{cost: s.DirectiveName("cost", "cost"), listSize: s.DirectiveName("cost", "listSize")}
	if n.cost == "" && n.listSize == "" {
		// IBM-style schemas define the directives without linking a spec.
		if specLike(s.Schema.Directives["cost"], costArgs, "weight") {
			n.cost = "cost"
		}
		if specLike(s.Schema.Directives["listSize"], listSizeArgs, "") {
			n.listSize = "listSize"
		}
	}
	return n
}

// specLike reports whether dd takes only arguments of the spec's directive (and required).
func specLike(dd *ast.DirectiveDefinition, args map[string]bool, required string) bool {
	if dd == nil || required != "" && dd.Arguments.ForName(required) == nil {
		return false
	}
	for _, a := range dd.Arguments {
		if !args[a.Name] {
			return false
		}
	}
	return true
}

// sourceName is the file the schema was loaded from, for errors.
func (s *Supergraph) sourceName() string {
	for _, def := range []*ast.Definition{s.Schema.Query, s.Schema.Mutation} {
		if def != nil && def.Position != nil && def.Position.Src != nil {
			return def.Position.Src.Name
		}
	}
	return "supergraph"
}

type costReader struct {
	s     *Supergraph
	c     *Costs
	names costNames
	errs  *errorList
}

func (r *costReader) definition(def *ast.Definition) {
	if w, ok := r.weight(def.Directives, def.Name); ok {
		r.c.types[def.Name] = w
	}
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		if fc := r.field(def, fd); fc != nil {
			r.c.fields[fieldKey{def.Name, fd.Name}] = fc
		}
	}
}

func (r *costReader) field(def *ast.Definition, fd *ast.FieldDefinition) *FieldCost {
	where := def.Name + "." + fd.Name
	fc := &FieldCost{}
	fc.Weight, fc.HasWeight = r.weight(fd.Directives, where)
	for _, a := range fd.Arguments {
		if w, ok := r.weight(a.Directives, where+"("+a.Name+":)"); ok {
			if fc.Arguments == nil {
				fc.Arguments = map[string]float64{}
			}
			fc.Arguments[a.Name] = w
		}
	}
	if def.Kind != ast.InputObject {
		fc.ListSize = r.listSize(where, fd)
	}
	if !fc.HasWeight && fc.Arguments == nil && fc.ListSize == nil {
		return nil
	}
	return fc
}

// weight reads @cost(weight:) among dirs. The weight is an Int (Apollo subgraphs) or a String
// holding a number (the IBM spec, and supergraphs composed by recent Apollo versions).
func (r *costReader) weight(dirs ast.DirectiveList, where string) (float64, bool) {
	if r.names.cost == "" {
		return 0, false
	}
	d := dirs.ForName(r.names.cost)
	if d == nil {
		return 0, false
	}
	a := d.Arguments.ForName("weight")
	if a == nil || a.Value == nil {
		r.errs.add(d.Position, "@%s on %s has no weight; write e.g. @%s(weight: 5)", d.Name, where, d.Name)
		return 0, false
	}
	var w float64
	var err error
	switch a.Value.Kind {
	case ast.IntValue, ast.FloatValue, ast.StringValue, ast.BlockValue:
		w, err = strconv.ParseFloat(strings.TrimSpace(a.Value.Raw), 64)
	default:
		err = fmt.Errorf("not a number")
	}
	if err != nil || math.IsInf(w, 0) || math.IsNaN(w) {
		r.errs.add(a.Value.Position, "@%s on %s: weight %s is not a finite number; write e.g. @%s(weight: 5) or @%s(weight: \"2.5\")",
			d.Name, where, a.Value.String(), d.Name, d.Name)
		return 0, false
	}
	if w < 0 {
		// A negative weight would let aliases repeat a field to pull any operation under
		// max_cost, or to nothing for the rate limiter.
		r.errs.add(a.Value.Position, "@%s on %s: weight %s is negative; weights are 0 or more", d.Name, where, a.Value.String())
		return 0, false
	}
	return w, true
}

// inherit gives an object field without cost directives those of the same field of the
// first interface (in declaration order) that has them: IBM-style schemas may put @listSize
// on the interface only, and operations are costed on concrete types.
func (r *costReader) inherit() {
	for _, name := range sortedKeys(r.s.Schema.Types) {
		def := r.s.Schema.Types[name]
		if def.Kind != ast.Object || len(def.Interfaces) == 0 {
			continue
		}
		for _, fd := range def.Fields {
			key := fieldKey{def.Name, fd.Name}
			if r.c.fields[key] != nil {
				continue
			}
			for _, iface := range def.Interfaces {
				if fc := r.c.fields[fieldKey{iface, fd.Name}]; fc != nil {
					r.c.fields[key] = fc
					break
				}
			}
		}
	}
}

// listSize reads and checks the @listSize of field where (Type.field).
func (r *costReader) listSize(where string, fd *ast.FieldDefinition) *ListSize {
	if r.names.listSize == "" {
		return nil
	}
	d := fd.Directives.ForName(r.names.listSize)
	if d == nil {
		return nil
	}
	ls := &ListSize{RequireOneSlicingArgument: boolArg(d, "requireOneSlicingArgument", true)}
	if a := d.Arguments.ForName("assumedSize"); a != nil && a.Value != nil && a.Value.Kind != ast.NullValue {
		n, err := strconv.Atoi(a.Value.Raw)
		if a.Value.Kind != ast.IntValue || err != nil || n < 0 {
			r.errs.add(a.Value.Position, "@%s on %s: assumedSize %s must be an integer of at least 0", d.Name, where, a.Value.String())
		} else {
			ls.AssumedSize, ls.HasAssumedSize = n, true
		}
	}
	for _, v := range stringList(d, "slicingArguments") {
		if path := r.slicingPath(d.Name, where, fd, v); path != nil {
			ls.SlicingArguments = append(ls.SlicingArguments, path)
		}
	}
	for _, v := range stringList(d, "sizedFields") {
		ls.SizedFields = append(ls.SizedFields, r.sizedPaths(d.Name, where, fd, v)...)
	}
	if fd.Type.Elem == nil && len(stringList(d, "sizedFields")) == 0 {
		r.errs.add(d.Position, "@%s on %s: the field returns %s, which is not a list; size the lists it holds with sizedFields, or remove @%s",
			d.Name, where, fd.Type.String(), d.Name)
	}
	return ls
}

// stringList returns the string values of a directive's list argument, nil when absent.
func stringList(d *ast.Directive, name string) []*ast.Value {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return nil
	}
	if a.Value.Kind == ast.StringValue {
		return []*ast.Value{a.Value} // input coercion: one value for a list
	}
	out := make([]*ast.Value, 0, len(a.Value.Children))
	for _, c := range a.Value.Children {
		if c.Value != nil && c.Value.Kind == ast.StringValue {
			out = append(out, c.Value)
		}
	}
	return out
}

// slicingPath checks one slicingArguments entry of field where and returns its path.
func (r *costReader) slicingPath(dir, where string, fd *ast.FieldDefinition, v *ast.Value) []string {
	path := strings.Split(v.Raw, ".")
	arg := fd.Arguments.ForName(path[0])
	if arg == nil {
		r.errs.add(v.Position, "@%s on %s: slicing argument %q is not an argument of %s (its arguments: %s)",
			dir, where, v.Raw, where, argNames(fd.Arguments))
		return nil
	}
	t := arg.Type
	for _, name := range path[1:] {
		in := r.s.Schema.Types[t.Name()]
		if t.Elem != nil || in == nil || in.Kind != ast.InputObject {
			r.errs.add(v.Position, "@%s on %s: slicing argument %q goes into %s, which is not an input object", dir, where, v.Raw, t.String())
			return nil
		}
		f := in.Fields.ForName(name)
		if f == nil {
			r.errs.add(v.Position, "@%s on %s: slicing argument %q names %q, which is not a field of %s", dir, where, v.Raw, name, in.Name)
			return nil
		}
		t = f.Type
	}
	if t.Elem == nil && t.NamedType != "Int" {
		r.errs.add(v.Position, "@%s on %s: slicing argument %q is a %s; it must be an Int (the list size) or a list (sized by its length)",
			dir, where, v.Raw, t.String())
		return nil
	}
	return path
}

func argNames(args ast.ArgumentDefinitionList) string {
	if len(args) == 0 {
		return "none"
	}
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// sizedPaths checks one sizedFields entry ("edges", or "results { page }" for a list deeper
// in the type) of field where and returns its paths.
func (r *costReader) sizedPaths(dir, where string, fd *ast.FieldDefinition, v *ast.Value) [][]string {
	paths, ok := parseSizedField(v.Raw)
	if !ok {
		r.errs.add(v.Position, "@%s on %s: sized field %q is neither a field name nor a selection like \"results { page }\"", dir, where, v.Raw)
		return nil
	}
	var out [][]string
	for _, path := range paths {
		if problem := r.checkSizedPath(fd.Type.Name(), path); problem != "" {
			r.errs.add(v.Position, "@%s on %s: sized field %q: %s", dir, where, v.Raw, problem)
			continue
		}
		out = append(out, path)
	}
	return out
}

// checkSizedPath returns what is wrong with a sized field path from typeName, or "".
func (r *costReader) checkSizedPath(typeName string, path []string) string {
	for i, name := range path {
		def := r.s.Schema.Types[typeName]
		if def == nil || def.Kind != ast.Object && def.Kind != ast.Interface {
			return fmt.Sprintf("%s is not an object or interface type, so it has no field %q", typeName, name)
		}
		f := def.Fields.ForName(name)
		if f == nil {
			return fmt.Sprintf("%q is not a field of %s", name, typeName)
		}
		if i == len(path)-1 && f.Type.Elem == nil {
			return fmt.Sprintf("%s.%s returns %s, which is not a list", typeName, name, f.Type.String())
		}
		typeName = f.Type.Name()
	}
	return ""
}

// parseSizedField reads a sizedFields entry into the paths of its leaf fields.
func parseSizedField(raw string) ([][]string, bool) {
	doc, err := parser.ParseQuery(&ast.Source{Input: "{" + raw + "}"})
	if err != nil || len(doc.Operations) != 1 || len(doc.Fragments) > 0 {
		return nil, false
	}
	var out [][]string
	var walk func(set ast.SelectionSet, prefix []string) bool
	walk = func(set ast.SelectionSet, prefix []string) bool {
		for _, sel := range set {
			f, ok := sel.(*ast.Field)
			if !ok || f.Alias != f.Name || len(f.Arguments) > 0 || len(f.Directives) > 0 {
				return false
			}
			path := append(append([]string(nil), prefix...), f.Name)
			if len(f.SelectionSet) == 0 {
				out = append(out, path)
			} else if !walk(f.SelectionSet, path) {
				return false
			}
		}
		return true
	}
	if !walk(doc.Operations[0].SelectionSet, nil) || len(out) == 0 {
		return nil, false
	}
	return out, true
}
