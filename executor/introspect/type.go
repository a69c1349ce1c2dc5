package introspect

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// typeObject is a __Type: a named type of the schema, or a LIST or NON_NULL wrapper around
// another type reference.
type typeObject struct {
	def  *ast.Definition // the named type; nil for a wrapper
	wrap *ast.Type       // the wrapping reference (NonNull or Elem set); nil for a named type
}

func (typeObject) typeName() string { return "__Type" }

func (t typeObject) resolve(e *executor, f *ast.Field) (any, error) {
	if t.wrap != nil {
		return t.resolveWrapper(e, f)
	}
	def := t.def
	switch f.Name {
	case "kind":
		return string(def.Kind), nil
	case "name":
		return def.Name, nil
	case "description":
		return optional(def.Description), nil
	case "specifiedByURL":
		return specifiedByURL(def), nil
	case "fields":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		return e.fields(def, f)
	case "interfaces":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		return e.namedTypes(def.Interfaces), nil
	case "possibleTypes":
		return e.possibleTypes(def), nil
	case "enumValues":
		if def.Kind != ast.Enum {
			return nil, nil
		}
		return e.enumValues(def, f)
	case "inputFields":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		return e.inputFields(def, f)
	case "ofType":
		return nil, nil
	case "isOneOf":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		return def.Directives.ForName("oneOf") != nil, nil
	}
	return nil, unknownField("__Type", f)
}

// resolveWrapper answers for a LIST or NON_NULL type: only kind and ofType carry data, every
// other field is null as it is for wrappers in graphql-js.
func (t typeObject) resolveWrapper(e *executor, f *ast.Field) (any, error) {
	switch f.Name {
	case "kind":
		if t.wrap.NonNull {
			return "NON_NULL", nil
		}
		return "LIST", nil
	case "ofType":
		if t.wrap.NonNull {
			inner := *t.wrap
			inner.NonNull = false
			return e.typeRef(&inner)
		}
		return e.typeRef(t.wrap.Elem)
	case "name", "description", "specifiedByURL", "fields", "interfaces", "possibleTypes",
		"enumValues", "inputFields", "isOneOf":
		return nil, nil
	}
	return nil, unknownField("__Type", f)
}

// typeRef returns the __Type of a type reference as written on a field or argument.
func (e *executor) typeRef(t *ast.Type) (object, error) {
	if t == nil {
		return nil, fmt.Errorf("missing type reference")
	}
	if t.NonNull || t.Elem != nil {
		return typeObject{wrap: t}, nil
	}
	def := e.schema.Types[t.NamedType]
	if def == nil {
		return nil, fmt.Errorf("type %q is not in the schema", t.NamedType)
	}
	return typeObject{def: def}, nil
}

// namedTypes returns the __Type of each name that s holds, in order. A name s does not hold
// was removed from the API schema (say @inaccessible) and is left out, not an error.
func (e *executor) namedTypes(names []string) []object {
	out := make([]object, 0, len(names))
	for _, name := range names {
		if def := e.schema.Types[name]; def != nil {
			out = append(out, typeObject{def: def})
		}
	}
	return out
}

// possibleTypes lists the object types of an abstract type: a union's members in the order
// the union lists them, an interface's implementations in definition order, which is the
// order gqlparser records in Schema.PossibleTypes. gqlparser also records interfaces that
// implement an interface there; introspection shows object types only.
func (e *executor) possibleTypes(def *ast.Definition) any {
	switch def.Kind {
	case ast.Union:
		return e.namedTypes(def.Types)
	case ast.Interface:
		var names []string
		for _, impl := range e.schema.PossibleTypes[def.Name] {
			if impl.Kind == ast.Object {
				names = append(names, impl.Name)
			}
		}
		return e.namedTypes(names)
	}
	return nil
}

// fields lists the fields of an object or interface type. The meta-fields gqlparser appends
// to the query type (__schema, __type) are not part of the type's introspection.
func (e *executor) fields(def *ast.Definition, f *ast.Field) ([]object, error) {
	all, err := e.includeDeprecated(f)
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(def.Fields))
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		if all || !isDeprecated(fd.Directives) {
			out = append(out, fieldObject{def: fd})
		}
	}
	return out, nil
}

func (e *executor) enumValues(def *ast.Definition, f *ast.Field) ([]object, error) {
	all, err := e.includeDeprecated(f)
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(def.EnumValues))
	for _, v := range def.EnumValues {
		if all || !isDeprecated(v.Directives) {
			out = append(out, enumValueObject{def: v})
		}
	}
	return out, nil
}

func (e *executor) inputFields(def *ast.Definition, f *ast.Field) ([]object, error) {
	all, err := e.includeDeprecated(f)
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(def.Fields))
	for _, fd := range def.Fields {
		if all || !isDeprecated(fd.Directives) {
			out = append(out, inputValueObject{
				name:        fd.Name,
				description: fd.Description,
				typ:         fd.Type,
				value:       fd.DefaultValue,
				directives:  fd.Directives,
			})
		}
	}
	return out, nil
}

// specifiedByURL returns the url of a scalar's @specifiedBy, or nil.
func specifiedByURL(def *ast.Definition) any {
	if def.Kind != ast.Scalar {
		return nil
	}
	d := def.Directives.ForName("specifiedBy")
	if d == nil {
		return nil
	}
	url, _ := stringArgument(d, "url")
	return url
}
