package compose

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// sortNames sorts names the way Apollo prints a supergraph: a locale-aware, case-insensitive
// collation (not byte order), ties broken by bytes so that the order is total.
func sortNames(names []string) {
	c := collate.New(language.English, collate.Loose)
	sort.SliceStable(names, func(i, j int) bool {
		if r := c.CompareString(names[i], names[j]); r != 0 {
			return r < 0
		}
		return names[i] < names[j]
	})
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortNames(out)
	return out
}

// print writes the supergraph SDL.
func (m *merger) print() string {
	var b strings.Builder
	b.WriteString("schema\n")
	for _, l := range m.specLinks() {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("{\n  query: Query\n")
	for _, root := range []string{"mutation", "subscription"} {
		name := strings.ToUpper(root[:1]) + root[1:]
		if t := m.types[name]; t != nil && t.kind == ast.Object {
			b.WriteString("  " + root + ": " + name + "\n")
		}
	}
	b.WriteString("}\n")
	dirs, types := m.specDefinitions()
	for _, d := range m.directiveDefs {
		name := strings.TrimPrefix(strings.Fields(d)[1], "@")
		if i := strings.Index(name, "("); i >= 0 {
			name = name[:i]
		}
		dirs[name] = d
	}
	for _, name := range sortedNames(dirs) {
		b.WriteString("\n" + dirs[name] + "\n")
	}
	types["join__Graph"] = m.printGraphEnum()
	for name, t := range m.types {
		types[name] = m.printType(t)
	}
	for _, name := range sortedNames(types) {
		b.WriteString("\n" + types[name] + "\n")
	}
	return b.String()
}

func (m *merger) printGraphEnum() string {
	var b strings.Builder
	b.WriteString("enum join__Graph {\n")
	for _, s := range m.subs {
		b.WriteString("  " + m.enum[s.name] + " @join__graph(name: " + quote(s.name) + ", url: " + quote(s.url) + ")\n")
	}
	b.WriteString("}")
	return b.String()
}

func (m *merger) printType(t *mtype) string {
	var b strings.Builder
	printDescription(&b, "", t.description)
	keyword := map[ast.DefinitionKind]string{ast.Object: "type", ast.Interface: "interface", ast.Union: "union",
		ast.Enum: "enum", ast.InputObject: "input", ast.Scalar: "scalar"}[t.kind]
	b.WriteString(keyword + " " + t.name)
	if len(t.implements) > 0 {
		b.WriteString(" implements " + strings.Join(t.implements, " & "))
	}
	dirs := append([]string{}, t.joins...)
	if t.hidden {
		dirs = append(dirs, "@inaccessible")
	}
	dirs = append(dirs, t.directives...)
	for _, d := range dirs {
		b.WriteString("\n  " + d)
	}
	switch t.kind {
	case ast.Scalar:
		return b.String()
	case ast.Union:
		if len(t.members) > 0 {
			if len(dirs) > 0 {
				b.WriteString("\n")
			}
			b.WriteString(" = " + strings.Join(t.members, " | "))
		}
		return b.String()
	}
	if len(dirs) > 0 {
		b.WriteString("\n{\n")
	} else {
		b.WriteString(" {\n")
	}
	if t.kind == ast.Enum {
		m.printValues(&b, t)
	} else {
		printFields(&b, t)
	}
	b.WriteString("}")
	return b.String()
}

func (m *merger) printValues(b *strings.Builder, t *mtype) {
	for i, v := range t.values {
		if v.description != "" && i > 0 {
			b.WriteString("\n")
		}
		printDescription(b, "  ", v.description)
		b.WriteString("  " + v.name)
		if v.hidden {
			b.WriteString(" @inaccessible")
		}
		for _, d := range append(m.valueJoins(v), v.directives...) {
			b.WriteString(" " + d)
		}
		b.WriteString("\n")
	}
}

func printFields(b *strings.Builder, t *mtype) {
	for i, f := range t.fields {
		if f.description != "" && i > 0 {
			b.WriteString("\n")
		}
		printDescription(b, "  ", f.description)
		b.WriteString("  " + f.name)
		printArgs(b, f.args)
		b.WriteString(": " + f.typ.String())
		if f.defValue != nil {
			b.WriteString(" = " + f.defValue.String())
		}
		dirs := []string{}
		if f.hidden {
			dirs = append(dirs, "@inaccessible")
		}
		dirs = append(append(dirs, f.joins...), f.directives...)
		for _, d := range dirs {
			b.WriteString(" " + d)
		}
		b.WriteString("\n")
	}
}

func printArgs(b *strings.Builder, args []*marg) {
	if len(args) == 0 {
		return
	}
	multiline := false
	for _, a := range args {
		multiline = multiline || a.description != ""
	}
	parts := make([]string, len(args))
	for i, a := range args {
		s := a.name + ": " + a.typ.String()
		if a.defValue != nil {
			s += " = " + a.defValue.String()
		}
		dirs := a.directives
		if a.hidden {
			dirs = append([]string{"@inaccessible"}, dirs...)
		}
		for _, d := range dirs {
			s += " " + d
		}
		parts[i] = s
	}
	if !multiline {
		b.WriteString("(" + strings.Join(parts, ", ") + ")")
		return
	}
	b.WriteString("(\n")
	for i, a := range args {
		printDescription(b, "    ", a.description)
		b.WriteString("    " + parts[i] + "\n")
	}
	b.WriteString("  )")
}

// printDescription writes a description as a block string: on one line when short, else
// over several lines.
func printDescription(b *strings.Builder, indent, desc string) {
	if desc == "" {
		return
	}
	escaped := strings.ReplaceAll(desc, `"""`, `\"""`)
	if len(desc) <= 70 && !strings.Contains(desc, "\n") && !strings.HasSuffix(desc, `"`) && !strings.HasSuffix(desc, `\`) {
		b.WriteString(indent + `"""` + escaped + `"""` + "\n")
		return
	}
	b.WriteString(indent + `"""` + "\n")
	for _, line := range strings.Split(escaped, "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString(indent + line + "\n")
	}
	b.WriteString(indent + `"""` + "\n")
}

// printDirectiveDef prints a directive definition on one line.
func printDirectiveDef(d *ast.DirectiveDefinition) string {
	var b strings.Builder
	b.WriteString("directive @" + d.Name)
	if len(d.Arguments) > 0 {
		var args []string
		for _, a := range d.Arguments {
			s := a.Name + ": " + a.Type.String()
			if a.DefaultValue != nil {
				s += " = " + a.DefaultValue.String()
			}
			args = append(args, s)
		}
		b.WriteString("(" + strings.Join(args, ", ") + ")")
	}
	if d.IsRepeatable {
		b.WriteString(" repeatable")
	}
	locs := make([]string, len(d.Locations))
	for i, l := range d.Locations {
		locs[i] = string(l)
	}
	b.WriteString(" on " + strings.Join(locs, " | "))
	return b.String()
}
