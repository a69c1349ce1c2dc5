package supergraph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// link is one @link (or Federation 1 @core) on the schema definition.
type link struct {
	URL     string
	Name    string // spec name, e.g. "join"
	Version string // e.g. "0.3"
	Prefix  string // local name: the spec name unless renamed with `as:`
	Purpose string // EXECUTION, SECURITY or ""
	// Imports maps an imported element ("@listSize", "Scope") to its local name.
	Imports map[string]string
	Pos     *ast.Position
}

// supportedSpecs lists the linked specs Trellis understands, with the versions it implements.
// A spec with a purpose (EXECUTION or SECURITY) outside this list is refused: serving it
// without implementing it would silently change what clients are allowed to see or do.
var supportedSpecs = map[string][]string{
	"link":         {"1.0"},
	"core":         {"0.1", "0.2"},
	"join":         {"0.1", "0.2", "0.3", "0.4", "0.5"},
	"inaccessible": {"0.1", "0.2"},
	"tag":          {"0.1", "0.2", "0.3"},
	// Enforced by the executor's authorization and cost stages.
	"authenticated":  {"0.1"},
	"requiresScopes": {"0.1"},
	"policy":         {"0.1"},
	"cost":           {"0.1"},
}

func parseLinks(doc *ast.SchemaDocument, errs *errorList) []link {
	var out []link
	collect := func(dirs ast.DirectiveList) {
		for _, d := range dirs {
			if d.Name != "link" && d.Name != "core" {
				continue
			}
			urlArg := "url"
			if d.Name == "core" {
				urlArg = "feature"
			}
			l, err := parseLink(d, urlArg)
			if err != "" {
				errs.add(d.Position, "@%s: %s", d.Name, err)
				continue
			}
			out = append(out, l)
		}
	}
	for _, s := range doc.Schema {
		collect(s.Directives)
	}
	for _, s := range doc.SchemaExtension {
		collect(s.Directives)
	}
	return out
}

func parseLink(d *ast.Directive, urlArg string) (link, string) {
	l := link{Pos: d.Position}
	if a := d.Arguments.ForName(urlArg); a != nil && a.Value != nil {
		l.URL = a.Value.Raw
	}
	if l.URL == "" {
		return l, fmt.Sprintf("the %q argument is required", urlArg)
	}
	parts := strings.Split(strings.TrimSuffix(l.URL, "/"), "/")
	if len(parts) < 2 || !strings.HasPrefix(parts[len(parts)-1], "v") {
		return l, fmt.Sprintf("cannot read spec name and version from %q (expected .../NAME/vX.Y)", l.URL)
	}
	l.Name = parts[len(parts)-2]
	l.Version = strings.TrimPrefix(parts[len(parts)-1], "v")
	l.Prefix = l.Name
	if a := d.Arguments.ForName("as"); a != nil && a.Value != nil {
		l.Prefix = a.Value.Raw
	}
	if a := d.Arguments.ForName("for"); a != nil && a.Value != nil {
		l.Purpose = a.Value.Raw
	}
	if a := d.Arguments.ForName("import"); a != nil && a.Value != nil {
		l.Imports = map[string]string{}
		for _, c := range a.Value.Children {
			name, local := importName(c.Value)
			if name == "" {
				return l, "each import is a name (\"@cost\") or an object {name: \"@cost\", as: \"@myCost\"}"
			}
			l.Imports[name] = local
		}
	}
	return l, ""
}

// importName reads one element of @link(import:).
func importName(v *ast.Value) (name, local string) {
	if v == nil {
		return "", ""
	}
	if v.Kind == ast.StringValue {
		return v.Raw, v.Raw
	}
	if v.Kind != ast.ObjectValue {
		return "", ""
	}
	for _, c := range v.Children {
		if c.Value == nil {
			continue
		}
		switch c.Name {
		case "name":
			name = c.Value.Raw
		case "as":
			local = c.Value.Raw
		}
	}
	if local == "" {
		local = name
	}
	return name, local
}

// directiveName is the local name of directive name of spec in a schema with these links,
// or "" when the spec is not linked. The spec's own directive (@cost of the cost spec) is
// the link's prefix; any other is prefix__name unless imported.
func directiveName(links []link, spec, name string) string {
	for _, l := range links {
		if l.Name != spec {
			continue
		}
		if local, ok := l.Imports["@"+name]; ok {
			return strings.TrimPrefix(local, "@")
		}
		if name == spec {
			return l.Prefix
		}
		return l.Prefix + "__" + name
	}
	return ""
}

// checkLinks refuses specs Trellis cannot honour and returns the join link.
func checkLinks(links []link, errs *errorList) *link {
	var join *link
	for i, l := range links {
		versions, known := supportedSpecs[l.Name]
		if l.Name == "join" {
			join = &links[i]
		}
		if known && contains(versions, l.Version) {
			continue
		}
		if l.Purpose == "EXECUTION" || l.Purpose == "SECURITY" {
			if known {
				errs.add(l.Pos, "%s is linked for %s, but Trellis implements only versions %s of %q; compose the supergraph with a supported version",
					l.URL, l.Purpose, strings.Join(versions, ", "), l.Name)
			} else {
				errs.add(l.Pos, "%s is linked for %s, but Trellis does not implement the %q spec; serving it would ignore rules the supergraph relies on (supported specs: %s)",
					l.URL, l.Purpose, l.Name, supportedList())
			}
		}
	}
	if join == nil && len(errs.errs) == 0 {
		errs.add(nil, "no join spec linked: a supergraph links https://specs.apollo.dev/join/vX.Y on its schema definition (is this a subgraph schema? compose it first)")
	}
	return join
}

func supportedList() string {
	var names []string
	for n := range supportedSpecs {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// specElement reports whether a type or directive name belongs to one of the linked specs.
func specElement(links []link, name string) bool {
	for _, l := range links {
		if name == l.Prefix || strings.HasPrefix(name, l.Prefix+"__") {
			return true
		}
		for _, local := range l.Imports {
			if strings.TrimPrefix(local, "@") == name {
				return true
			}
		}
	}
	return false
}
