package compose

import (
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// blockFlags are the directives of the definition or extension block a field is declared in.
type blockFlags struct{ extension, shareable, external bool }

// buildSubgraph parses and validates one subgraph and extracts its types. It returns nil
// when the SDL is not valid GraphQL (the errors are in c).
func buildSubgraph(in Subgraph, c *collector) *subgraph {
	file := in.File
	if file == "" {
		file = in.Name
	}
	sub := &subgraph{name: in.Name, url: in.URL, file: file, types: map[string]*stype{}, links: map[string]string{}, imported: map[string]string{}}
	doc, err := parser.ParseSchema(&ast.Source{Name: file, Input: in.SDL})
	if err != nil {
		c.gqlError(sub, err)
		return nil
	}
	sub.readLinks(doc, c)
	if !sub.normalizeRoots(doc, c) {
		return nil
	}
	blocks, extended := readBlocks(doc, sub.names)
	schema, err := validateSubgraph(doc, sub.names)
	if err != nil {
		c.gqlError(sub, err)
		return nil
	}
	sub.schema = schema
	sub.readComposeDirectives(doc)
	sub.readTypes(doc, blocks, extended)
	return sub
}

// readLinks detects a Federation 2 subgraph (a @link to federation/v2.N) and the local names
// of its directives.
func (sub *subgraph) readLinks(doc *ast.SchemaDocument, c *collector) {
	sub.names = names{fed1: true, prefix: "federation"}
	var dirs ast.DirectiveList
	for _, s := range doc.Schema {
		dirs = append(dirs, s.Directives...)
	}
	for _, s := range doc.SchemaExtension {
		dirs = append(dirs, s.Directives...)
	}
	for _, d := range dirs.ForNames("link") {
		url := argString(d, "url")
		parts := strings.Split(strings.TrimSuffix(url, "/"), "/")
		if len(parts) < 2 {
			continue
		}
		spec, version := parts[len(parts)-2], parts[len(parts)-1]
		prefix := spec
		if as := argString(d, "as"); as != "" {
			prefix = as
		}
		sub.links[prefix] = url
		if spec != "federation" {
			for name, local := range readImports(d) {
				if strings.HasPrefix(name, "@") {
					sub.imported[strings.TrimPrefix(local, "@")] = url
				}
			}
		}
		if spec != "federation" || !strings.HasPrefix(version, "v2.") {
			continue
		}
		minor, err := strconv.Atoi(strings.TrimPrefix(version, "v2."))
		if err != nil {
			c.report("INVALID_LINK_IDENTIFIER", sub, "", d.Position, "cannot read the federation version from %q: link https://specs.apollo.dev/federation/v2.N", url)
			continue
		}
		sub.fed2, sub.minor = true, minor
		sub.names = names{prefix: prefix, imports: readImports(d)}
	}
}

// readImports reads @link(import:): "@key" or {name: "@key", as: "@myKey"}.
func readImports(d *ast.Directive) map[string]string {
	out := map[string]string{}
	a := d.Arguments.ForName("import")
	if a == nil || a.Value == nil {
		return out
	}
	for _, c := range a.Value.Children {
		v := c.Value
		switch {
		case v == nil:
		case v.Kind == ast.StringValue:
			out[v.Raw] = v.Raw
		case v.Kind == ast.ObjectValue:
			name, as := "", ""
			for _, f := range v.Children {
				if f.Value == nil {
					continue
				}
				switch f.Name {
				case "name":
					name = f.Value.Raw
				case "as":
					as = f.Value.Raw
				}
			}
			if as == "" {
				as = name
			}
			out[name] = as
		}
	}
	return out
}

// readBlocks records, before validation merges extensions into definitions, the block
// directives each field is declared under and which types are Federation 2 extensions.
func readBlocks(doc *ast.SchemaDocument, n names) (map[*ast.FieldDefinition]blockFlags, map[string]bool) {
	blocks := map[*ast.FieldDefinition]blockFlags{}
	hasBase := map[string]bool{}
	extends := map[string]bool{}
	visit := func(def *ast.Definition, extension bool) {
		if def.Directives.ForName(n.dir("extends")) != nil {
			extends[def.Name] = true
		}
		if !extension {
			hasBase[def.Name] = true
		}
		flags := blockFlags{
			extension: extension,
			shareable: def.Directives.ForName(n.dir("shareable")) != nil,
			external:  def.Directives.ForName(n.dir("external")) != nil,
		}
		for _, f := range def.Fields {
			blocks[f] = flags
		}
	}
	for _, d := range doc.Definitions {
		visit(d, false)
	}
	for _, d := range doc.Extensions {
		visit(d, true)
	}
	extended := map[string]bool{}
	for _, d := range doc.Extensions {
		if !hasBase[d.Name] {
			extended[d.Name] = true
		}
	}
	for name := range extends {
		extended[name] = true
	}
	return blocks, extended
}

// validateSubgraph validates the subgraph as GraphQL, with the federation definitions it
// does not define itself.
func validateSubgraph(doc *ast.SchemaDocument, n names) (*ast.Schema, error) {
	types := map[string]bool{}
	for _, d := range doc.Definitions {
		types[d.Name] = true
	}
	dirs := map[string]bool{}
	for _, d := range doc.Directives {
		dirs[d.Name] = true
	}
	defs := definitionsSDL(n, func(s string) bool { return types[s] }, func(s string) bool { return dirs[s] })
	prelude, err := preludeCopy()
	if err != nil {
		return nil, err
	}
	fed, err := parser.ParseSchema(&ast.Source{Name: "federation definitions", Input: defs, BuiltIn: true})
	if err != nil {
		return nil, err
	}
	full := &ast.SchemaDocument{}
	full.Merge(prelude)
	full.Merge(doc)
	full.Merge(fed)
	return validator.ValidateSchemaDocument(full)
}

var prelude struct {
	once sync.Once
	doc  *ast.SchemaDocument
	err  error
}

// preludeCopy returns the built-in definitions, parsed once: each call gets its own copies
// of the definitions, which validation may extend.
func preludeCopy() (*ast.SchemaDocument, error) {
	prelude.once.Do(func() { prelude.doc, prelude.err = parser.ParseSchema(validator.Prelude) })
	if prelude.err != nil {
		return nil, prelude.err
	}
	out := &ast.SchemaDocument{}
	for _, d := range prelude.doc.Definitions {
		c := *d
		c.Directives = append(ast.DirectiveList(nil), d.Directives...)
		c.Fields = append(ast.FieldList(nil), d.Fields...)
		c.EnumValues = append(ast.EnumValueList(nil), d.EnumValues...)
		c.Interfaces = append([]string(nil), d.Interfaces...)
		c.Types = append([]string(nil), d.Types...)
		out.Definitions = append(out.Definitions, &c)
	}
	for _, d := range prelude.doc.Directives {
		c := *d
		out.Directives = append(out.Directives, &c)
	}
	return out, nil
}

func (sub *subgraph) readComposeDirectives(doc *ast.SchemaDocument) {
	name := sub.names.dir("composeDirective")
	for _, list := range [][]*ast.SchemaDefinition{doc.Schema, doc.SchemaExtension} {
		for _, s := range list {
			for _, d := range s.Directives.ForNames(name) {
				sub.composeDirectives = append(sub.composeDirectives, strings.TrimPrefix(argString(d, "name"), "@"))
			}
		}
	}
}

// readTypes extracts every type the subgraph defines, in document order.
func (sub *subgraph) readTypes(doc *ast.SchemaDocument, blocks map[*ast.FieldDefinition]blockFlags, extended map[string]bool) {
	seen := map[string]bool{}
	var order []string
	for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, d := range list {
			if !seen[d.Name] {
				seen[d.Name] = true
				order = append(order, d.Name)
			}
		}
	}
	n := sub.names
	for _, name := range order {
		def := sub.schema.Types[name]
		if def == nil || def.BuiltIn || n.isFederationType(name) {
			continue
		}
		t := &stype{name: name, kind: def.Kind, def: def, sub: sub, byName: map[string]*sfield{},
			interfaces: def.Interfaces, members: def.Types, values: def.EnumValues}
		t.extension = sub.fed2 && extended[name]
		t.interfaceObject = def.Directives.ForName(n.dir("interfaceObject")) != nil
		for _, d := range def.Directives.ForNames(n.dir("key")) {
			t.keys = append(t.keys, &key{fields: argString(d, "fields"), resolvable: argBool(d, "resolvable", true), pos: d.Position})
		}
		for _, fd := range def.Fields {
			if strings.HasPrefix(fd.Name, "__") || name == "Query" && (fd.Name == "_service" || fd.Name == "_entities") {
				continue
			}
			f := sub.readField(t, fd, blocks[fd])
			t.fields = append(t.fields, f)
			t.byName[f.name] = f
		}
		sub.types[name] = t
		sub.order = append(sub.order, name)
	}
}

func (sub *subgraph) readField(t *stype, fd *ast.FieldDefinition, block blockFlags) *sfield {
	n := sub.names
	f := &sfield{name: fd.Name, def: fd, parent: t}
	f.external = fd.Directives.ForName(n.dir("external")) != nil || block.external
	f.shareable = !sub.fed2 || block.shareable || fd.Directives.ForName(n.dir("shareable")) != nil
	if d := fd.Directives.ForName(n.dir("requires")); d != nil {
		f.requires = &fieldSet{raw: argString(d, "fields"), pos: d.Position}
	}
	if d := fd.Directives.ForName(n.dir("provides")); d != nil {
		f.provides = &fieldSet{raw: argString(d, "fields"), pos: d.Position}
	}
	if d := fd.Directives.ForName(n.dir("override")); d != nil {
		f.override, f.overPos = argString(d, "from"), d.Position
		if a := d.Arguments.ForName("label"); a != nil && a.Value != nil && a.Value.Kind != ast.NullValue {
			f.label, f.hasLabel = a.Value.Raw, true
		}
	}
	return f
}

func argString(d *ast.Directive, name string) string {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil || a.Value.Kind == ast.NullValue {
		return ""
	}
	return a.Value.Raw
}

func argBool(d *ast.Directive, name string, def bool) bool {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil || a.Value.Kind != ast.BooleanValue {
		return def
	}
	return a.Value.Raw == "true"
}
