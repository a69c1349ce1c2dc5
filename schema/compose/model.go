package compose

import "github.com/vektah/gqlparser/v2/ast"

// subgraph is one subgraph after parsing, validation as GraphQL and the Federation 1
// upgrade: the facts composition needs, by type.
type subgraph struct {
	name, url, file string
	fed2            bool
	minor           int // federation 2.minor; 0 for Federation 1
	names           names
	schema          *ast.Schema // the validated subgraph, federation definitions included
	types           map[string]*stype
	order           []string // type names in document order
	// composeDirectives are the directive names listed by @composeDirective.
	composeDirectives []string
	// links are the subgraph's @link URLs by local prefix, for @composeDirective.
	links map[string]string
	// imported maps a directive imported from a non-federation @link to the link's URL.
	imported map[string]string
}

// stype is one type as a subgraph declares it (all its definition and extension blocks).
type stype struct {
	name            string
	kind            ast.DefinitionKind
	def             *ast.Definition
	sub             *subgraph
	extension       bool // Federation 2 `extend type` or @extends: @join__type(extension: true)
	interfaceObject bool
	keys            []*key
	fields          []*sfield
	byName          map[string]*sfield
	interfaces      []string
	members         []string
	values          []*ast.EnumValueDefinition
}

// key is one @key of a type.
type key struct {
	fields     string
	resolvable bool
	sel        ast.SelectionSet
	pos        *ast.Position
}

// sfield is one field of a type (or input type) in one subgraph.
type sfield struct {
	name      string
	def       *ast.FieldDefinition
	parent    *stype
	external  bool
	shareable bool // @shareable on the field or its declaration block, or Federation 1
	keyField  bool // selected by a key of its type in this subgraph
	requires  *fieldSet
	provides  *fieldSet
	override  string
	label     string
	hasLabel  bool
	overPos   *ast.Position
	// usedOverridden is set when another subgraph overrides this field but this subgraph
	// still needs it (a key or @requires selects it).
	usedOverridden bool
	// overridden is set when another subgraph takes this field over (without a label).
	overridden bool
	// provided is set for an @external field that some @provides of this subgraph selects.
	provided bool
	// required is set when a @requires of this subgraph selects the field.
	required bool
	// overrideError is set when the field's @override is refused: sharing is not checked.
	overrideError bool
	// sourceLabel is the label of a progressive @override that takes this field over.
	sourceLabel string
}

// fieldSet is a @requires or @provides argument.
type fieldSet struct {
	raw string
	pos *ast.Position
	sel ast.SelectionSet
}

func (t *stype) field(name string) *sfield {
	if t == nil {
		return nil
	}
	return t.byName[name]
}

// coordinate returns "Type.field".
func (f *sfield) coordinate() string { return f.parent.name + "." + f.name }
