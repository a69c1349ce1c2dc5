package compose

import (
	"fmt"
	"strings"
)

// fedDirective is one directive of the federation spec as subgraphs see it. Locations are a
// little wider than Apollo's where this package reports a misuse with its own error code
// (@shareable on an interface, auth directives on an interface) instead of INVALID_GRAPHQL.
type fedDirective struct {
	name, args, locations string
	repeatable            bool
}

const allTypeSystem = "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"

const authLocations = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"

var fedDirectives = []fedDirective{
	{"key", "(fields: $FieldSet!, resolvable: Boolean = true)", "OBJECT | INTERFACE", true},
	{"requires", "(fields: $FieldSet!)", "FIELD_DEFINITION", false},
	{"provides", "(fields: $FieldSet!)", "FIELD_DEFINITION", false},
	{"external", "(reason: String)", "OBJECT | FIELD_DEFINITION", false},
	{"extends", "", "OBJECT | INTERFACE", false},
	{"shareable", "", "OBJECT | FIELD_DEFINITION | INTERFACE", true},
	{"tag", "(name: String!)", allTypeSystem + " | SCHEMA", true},
	{"inaccessible", "", allTypeSystem, false},
	{"override", "(from: String!, label: String)", "FIELD_DEFINITION", false},
	{"composeDirective", "(name: String!)", "SCHEMA", true},
	{"interfaceObject", "", "OBJECT", false},
	{"authenticated", "", authLocations, false},
	{"requiresScopes", "(scopes: [[$Scope!]!]!)", authLocations, false},
	{"policy", "(policies: [[$Policy!]!]!)", authLocations, false},
	{"cost", "(weight: Int!)", "ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR", false},
	{"listSize", "(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true)", "FIELD_DEFINITION", false},
	{"context", "(name: String!)", "OBJECT | INTERFACE | UNION", true},
	{"fromContext", "(field: $ContextFieldValue)", "ARGUMENT_DEFINITION", false},
}

// fedTypes are the scalar types of the federation spec.
var fedTypes = []string{"FieldSet", "Scope", "Policy", "ContextFieldValue"}

// definitionsSDL returns the definitions a subgraph needs to validate as GraphQL and that
// it does not define itself: the federation directives under their local names, the
// federation scalars and the link spec's directive and types.
func definitionsSDL(n names, hasType, hasDirective func(string) bool) string {
	var b strings.Builder
	typeName := func(t string) string {
		return n.typ(t)
	}
	added := map[string]bool{}
	scalar := func(name string) {
		if !hasType(name) && !added[name] {
			added[name] = true
			fmt.Fprintf(&b, "scalar %s\n", name)
		}
	}
	for _, t := range fedTypes {
		scalar(typeName(t))
	}
	for _, d := range fedDirectives {
		local := n.dir(d.name)
		if hasDirective(local) {
			continue
		}
		args := d.args
		for _, t := range fedTypes {
			args = strings.ReplaceAll(args, "$"+t, typeName(t))
		}
		rep := ""
		if d.repeatable {
			rep = " repeatable"
		}
		fmt.Fprintf(&b, "directive @%s%s%s on %s\n", local, args, rep, d.locations)
	}
	if !hasDirective("link") {
		b.WriteString("directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA\n")
	}
	if !hasType("link__Import") {
		b.WriteString("scalar link__Import\n")
	}
	if !hasType("link__Purpose") {
		b.WriteString("enum link__Purpose { SECURITY EXECUTION }\n")
	}
	scalar("_Any")
	scalar("_FieldSet")
	return b.String()
}

// names maps the federation spec's directive and type names to their local names in one
// subgraph: imported names (possibly renamed), else prefix__name; Federation 1 subgraphs
// use the plain names.
type names struct {
	fed1    bool
	prefix  string            // "federation" unless renamed with as:
	imports map[string]string // "@key" -> "@key", "FieldSet" -> "FieldSet"
}

func (n names) dir(name string) string {
	if n.fed1 {
		return name
	}
	if local, ok := n.imports["@"+name]; ok {
		return strings.TrimPrefix(local, "@")
	}
	return n.prefix + "__" + name
}

func (n names) typ(name string) string {
	if n.fed1 {
		if name == "FieldSet" {
			return "_FieldSet"
		}
		return name
	}
	if local, ok := n.imports[name]; ok {
		return local
	}
	return n.prefix + "__" + name
}

// isFederationType reports whether a type name is federation or link machinery that the
// supergraph does not carry over.
func (n names) isFederationType(name string) bool {
	switch name {
	case "_Any", "_Service", "_Entity", "_FieldSet", "link__Import", "link__Purpose":
		return true
	}
	for _, t := range fedTypes {
		if name == n.typ(t) {
			return true
		}
	}
	return strings.HasPrefix(name, n.prefix+"__") && !n.fed1
}

// isFederationDirective reports whether a directive name is federation or link machinery.
func (n names) isFederationDirective(name string) bool {
	if name == "link" {
		return true
	}
	for _, d := range fedDirectives {
		if name == n.dir(d.name) {
			return true
		}
	}
	return false
}
