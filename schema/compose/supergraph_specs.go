package compose

import "fmt"

// joinVersion is the join spec version for the highest federation version used.
func (m *merger) joinVersion() string {
	switch {
	case m.minor >= 8:
		return "0.5"
	case m.minor == 7:
		return "0.4"
	}
	return "0.3"
}

// specLinks returns the schema's @link applications, in print order.
func (m *merger) specLinks() []string {
	out := []string{
		`@link(url: "https://specs.apollo.dev/link/v1.0")`,
		fmt.Sprintf(`@link(url: "https://specs.apollo.dev/join/v%s", for: EXECUTION)`, m.joinVersion()),
	}
	if m.uses["tag"] {
		out = append(out, `@link(url: "https://specs.apollo.dev/tag/v0.3")`)
	}
	if m.uses["inaccessible"] {
		out = append(out, `@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)`)
	}
	for _, spec := range []string{"authenticated", "requiresScopes", "policy"} {
		if m.uses[spec] {
			out = append(out, fmt.Sprintf(`@link(url: "https://specs.apollo.dev/%s/v0.1", for: SECURITY)`, spec))
		}
	}
	if m.uses["cost"] {
		imports := `["@cost"]`
		if m.uses["listSize"] {
			imports = `["@cost", "@listSize"]`
		}
		out = append(out, `@link(url: "https://specs.apollo.dev/cost/v0.1", import: `+imports+`)`)
	}
	for _, name := range sortedNames(m.composed) {
		out = append(out, fmt.Sprintf(`@link(url: %s, import: [%s])`, quote(m.composed[name].url), quote("@"+name)))
	}
	return out
}

// specDefinitions returns the linked specs' directive definitions and types, by name.
func (m *merger) specDefinitions() (dirs, types map[string]string) {
	v := m.joinVersion()
	field := "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean"
	switch v {
	case "0.4":
		field += ", overrideLabel: String"
	case "0.5":
		field += ", overrideLabel: String, contextArguments: [join__ContextArgument!]"
	}
	dirs = map[string]string{
		"join__enumValue":   "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
		"join__field":       field + ") repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
		"join__graph":       "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
		"join__implements":  "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
		"join__type":        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
		"join__unionMember": "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
		"link":              "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA",
	}
	types = map[string]string{
		"join__FieldSet": "scalar join__FieldSet",
		"link__Import":   "scalar link__Import",
		"link__Purpose": "enum link__Purpose {\n  \"\"\"\n  `SECURITY` features provide metadata necessary to securely resolve fields.\n  \"\"\"\n  SECURITY\n\n" +
			"  \"\"\"\n  `EXECUTION` features provide metadata necessary for operation execution.\n  \"\"\"\n  EXECUTION\n}",
	}
	if v != "0.3" {
		dirs["join__directive"] = "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
		types["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
	}
	if v == "0.5" {
		types["join__FieldValue"] = "scalar join__FieldValue"
		types["join__ContextArgument"] = "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n  selection: join__FieldValue!\n}"
	}
	m.featureDefinitions(dirs, types)
	return dirs, types
}

const allLocations = "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"

func (m *merger) featureDefinitions(dirs, types map[string]string) {
	if m.uses["tag"] {
		dirs["tag"] = "directive @tag(name: String!) repeatable on " + allLocations + " | SCHEMA"
	}
	if m.uses["inaccessible"] {
		dirs["inaccessible"] = "directive @inaccessible on " + allLocations
	}
	if m.uses["authenticated"] {
		dirs["authenticated"] = "directive @authenticated on " + authLocations
	}
	if m.uses["requiresScopes"] {
		dirs["requiresScopes"] = "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on " + authLocations
		types["requiresScopes__Scope"] = "scalar requiresScopes__Scope"
	}
	if m.uses["policy"] {
		dirs["policy"] = "directive @policy(policies: [[policy__Policy!]!]!) on " + authLocations
		types["policy__Policy"] = "scalar policy__Policy"
	}
	if m.uses["cost"] {
		dirs["cost"] = "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR"
		listSize := "listSize"
		if !m.uses["listSize"] {
			listSize = "cost__listSize"
		}
		dirs[listSize] = "directive @" + listSize + "(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION"
	}
}
