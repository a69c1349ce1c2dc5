package introspect

import "github.com/vektah/gqlparser/v2/ast"

// defaultDeprecationReason is the default of @deprecated(reason:) in the spec, used when the
// schema's own definition of @deprecated cannot say.
const defaultDeprecationReason = "No longer supported"

// isDeprecated reports whether an element carries @deprecated. Presence decides, whatever
// the reason: @deprecated(reason: null) still deprecates, with a null reason.
func isDeprecated(dirs ast.DirectiveList) bool {
	return dirs.ForName("deprecated") != nil
}

// deprecationReason returns the reason of an element's @deprecated: the literal given, else
// the directive definition's default, else the spec's default; nil when not deprecated.
func (e *executor) deprecationReason(dirs ast.DirectiveList) any {
	d := dirs.ForName("deprecated")
	if d == nil {
		return nil
	}
	if reason, ok := stringArgument(d, "reason"); ok {
		return reason
	}
	if def := e.schema.Directives["deprecated"]; def != nil {
		if a := def.Arguments.ForName("reason"); a != nil && a.DefaultValue != nil {
			if a.DefaultValue.Kind == ast.NullValue {
				return nil
			}
			return a.DefaultValue.Raw
		}
	}
	return defaultDeprecationReason
}

// stringArgument returns the value of a schema directive's String argument: the string, or
// nil for null (or a literal of another kind, which validation rejects). ok is false when the argument is absent. Schema directives hold
// constants only, so no variables are involved.
func stringArgument(d *ast.Directive, name string) (value any, ok bool) {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return nil, false
	}
	switch a.Value.Kind {
	case ast.StringValue, ast.BlockValue:
		return a.Value.Raw, true
	default:
		return nil, true
	}
}
