package introspect

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// fieldObject is a __Field of an object or interface type.
type fieldObject struct {
	def *ast.FieldDefinition
}

func (fieldObject) typeName() string { return "__Field" }

func (o fieldObject) resolve(e *executor, f *ast.Field) (any, error) {
	switch f.Name {
	case "name":
		return o.def.Name, nil
	case "description":
		return optional(o.def.Description), nil
	case "args":
		return e.arguments(o.def.Arguments, f)
	case "type":
		return e.typeRef(o.def.Type)
	case "isDeprecated":
		return isDeprecated(o.def.Directives), nil
	case "deprecationReason":
		return e.deprecationReason(o.def.Directives), nil
	}
	return nil, unknownField("__Field", f)
}

// inputValueObject is an __InputValue: an argument of a field or directive, or an input
// object's field. gqlparser gives those two different types, so this holds their common part.
type inputValueObject struct {
	name        string
	description string
	typ         *ast.Type
	value       *ast.Value // the default value; nil when there is none
	directives  ast.DirectiveList
}

func (inputValueObject) typeName() string { return "__InputValue" }

func (o inputValueObject) resolve(e *executor, f *ast.Field) (any, error) {
	switch f.Name {
	case "name":
		return o.name, nil
	case "description":
		return optional(o.description), nil
	case "type":
		return e.typeRef(o.typ)
	case "defaultValue":
		if o.value == nil {
			return nil, nil
		}
		return e.literal(o.value, o.typ), nil
	case "isDeprecated":
		return isDeprecated(o.directives), nil
	case "deprecationReason":
		return e.deprecationReason(o.directives), nil
	}
	return nil, unknownField("__InputValue", f)
}

// arguments lists the arguments of a field or directive, hiding deprecated ones unless f asks
// for them with includeDeprecated: true.
func (e *executor) arguments(defs ast.ArgumentDefinitionList, f *ast.Field) ([]object, error) {
	all, err := e.includeDeprecated(f)
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(defs))
	for _, a := range defs {
		if all || !isDeprecated(a.Directives) {
			out = append(out, inputValueObject{
				name:        a.Name,
				description: a.Description,
				typ:         a.Type,
				value:       a.DefaultValue,
				directives:  a.Directives,
			})
		}
	}
	return out, nil
}

// enumValueObject is an __EnumValue.
type enumValueObject struct {
	def *ast.EnumValueDefinition
}

func (enumValueObject) typeName() string { return "__EnumValue" }

func (o enumValueObject) resolve(e *executor, f *ast.Field) (any, error) {
	switch f.Name {
	case "name":
		return o.def.Name, nil
	case "description":
		return optional(o.def.Description), nil
	case "isDeprecated":
		return isDeprecated(o.def.Directives), nil
	case "deprecationReason":
		return e.deprecationReason(o.def.Directives), nil
	}
	return nil, unknownField("__EnumValue", f)
}

// directiveObject is a __Directive.
type directiveObject struct {
	def *ast.DirectiveDefinition
}

func (directiveObject) typeName() string { return "__Directive" }

func (o directiveObject) resolve(e *executor, f *ast.Field) (any, error) {
	switch f.Name {
	case "name":
		return o.def.Name, nil
	case "description":
		return optional(o.def.Description), nil
	case "isRepeatable":
		return o.def.IsRepeatable, nil
	case "locations":
		locs := make([]any, len(o.def.Locations))
		for i, l := range o.def.Locations {
			locs[i] = string(l)
		}
		return locs, nil
	case "args":
		return e.arguments(o.def.Arguments, f)
	}
	return nil, unknownField("__Directive", f)
}
