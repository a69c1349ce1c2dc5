package diff

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// defaultReason is the reason @deprecated carries when none is given (GraphQL spec).
const defaultReason = "No longer supported"

// description reports an added, removed or changed description of coord: always Safe.
func (c *collector) description(coord, old, new string) {
	switch {
	case old == new:
	case old == "":
		c.add(Safe, "DESCRIPTION_ADDED", coord, "%q has a description now.", coord)
	case new == "":
		c.add(Safe, "DESCRIPTION_REMOVED", coord, "%q has no description any more.", coord)
	default:
		c.add(Safe, "DESCRIPTION_CHANGED", coord, "The description of %q changed.", coord)
	}
}

// deprecation reports @deprecated added, removed or given another reason on coord: always
// Safe, since deprecated elements keep working.
func (c *collector) deprecation(coord string, old, new ast.DirectiveList) {
	oldReason, wasDeprecated := deprecated(old)
	newReason, isDeprecated := deprecated(new)
	switch {
	case !wasDeprecated && isDeprecated:
		c.add(Safe, "DEPRECATION_ADDED", coord, "%q is deprecated now (%q); it keeps working.", coord, newReason)
	case wasDeprecated && !isDeprecated:
		c.add(Safe, "DEPRECATION_REMOVED", coord, "%q is no longer deprecated.", coord)
	case wasDeprecated && oldReason != newReason:
		c.add(Safe, "DEPRECATION_REASON_CHANGED", coord, "The deprecation reason of %q changed from %q to %q.", coord, oldReason, newReason)
	}
}

// deprecated returns the @deprecated reason in dirs and whether it is there.
func deprecated(dirs ast.DirectiveList) (string, bool) {
	d := directiveNamed(dirs, "deprecated")
	if d == nil {
		return "", false
	}
	if v := argValue(d, "reason"); v != nil && v.Kind != ast.NullValue {
		return v.Raw, true
	}
	return defaultReason, true
}

// directiveNamed is dirs.ForName, skipping nil entries of hand-built schemas.
func directiveNamed(dirs ast.DirectiveList, name string) *ast.Directive {
	for _, d := range dirs {
		if d != nil && d.Name == name {
			return d
		}
	}
	return nil
}

// argValue is the value of d's argument name, nil when absent.
func argValue(d *ast.Directive, name string) *ast.Value {
	for _, a := range d.Arguments {
		if a != nil && a.Name == name {
			return a.Value
		}
	}
	return nil
}

// valueString prints a default value canonically, so that two defaults compare equal when
// they mean the same: object fields sorted by name, block and plain strings alike. It
// returns "" for nil.
func valueString(v *ast.Value) string {
	if v == nil {
		return ""
	}
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func writeValue(b *strings.Builder, v *ast.Value) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch v.Kind {
	case ast.Variable:
		b.WriteString("$" + v.Raw)
	case ast.StringValue, ast.BlockValue:
		b.WriteString(strconv.Quote(v.Raw))
	case ast.ListValue:
		b.WriteByte('[')
		for i, c := range v.Children {
			if i > 0 {
				b.WriteString(", ")
			}
			if c != nil {
				writeValue(b, c.Value)
			}
		}
		b.WriteByte(']')
	case ast.ObjectValue:
		children := make(ast.ChildValueList, 0, len(v.Children))
		for _, c := range v.Children {
			if c != nil {
				children = append(children, c)
			}
		}
		sort.SliceStable(children, func(i, j int) bool { return children[i].Name < children[j].Name })
		b.WriteByte('{')
		for i, c := range children {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.Name + ": ")
			writeValue(b, c.Value)
		}
		b.WriteByte('}')
	default:
		b.WriteString(v.Raw)
	}
}
