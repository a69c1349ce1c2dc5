package diff

import (
	"fmt"
	"sort"
)

// Level says how much a change matters to existing clients.
type Level int

const (
	// Safe changes cannot affect existing operations (additions, descriptions, deprecations,
	// an output made non-null, an input made nullable).
	Safe Level = iota
	// Dangerous changes keep every existing operation valid but may change what it does
	// (a new enum value or union member a client does not handle, a changed default).
	Dangerous
	// Breaking changes can make existing operations fail validation or receive values of a
	// shape they were not written for.
	Breaking
)

// String returns "SAFE", "DANGEROUS" or "BREAKING".
func (l Level) String() string {
	switch l {
	case Safe:
		return "SAFE"
	case Dangerous:
		return "DANGEROUS"
	case Breaking:
		return "BREAKING"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Change is one difference between two API schemas.
type Change struct {
	// Level is how much the change matters to existing clients.
	Level Level
	// Code is a stable identifier of the kind of change, e.g. FIELD_REMOVED,
	// FIELD_TYPE_CHANGED, ARG_ADDED_REQUIRED, ENUM_VALUE_ADDED. docs/schema-checks.md lists
	// them all. The same code may come with different levels (a field type change is Safe
	// when it only adds non-null, Breaking otherwise).
	Code string
	// Coordinate is the schema coordinate of the changed element: Type, Type.field,
	// Type.field(arg:), Enum.VALUE, Input.field, @directive, @directive(arg:), or
	// schema.query / schema.mutation / schema.subscription for root operation types.
	Coordinate string
	// Message says what changed and what it means for clients, in one sentence.
	Message string
}

// String prints the change as one line: LEVEL CODE coordinate: message, the form the CLI
// shows.
func (c Change) String() string {
	return fmt.Sprintf("%s %s %s: %s", c.Level, c.Code, c.Coordinate, c.Message)
}

// HasBreaking reports whether any change is Breaking. (The brief named it Breaking, which
// Go cannot have next to the Level constant Breaking in one package.)
func HasBreaking(changes []Change) bool {
	for _, c := range changes {
		if c.Level == Breaking {
			return true
		}
	}
	return false
}

// sortChanges orders changes by coordinate, then code, then message and level, so that the
// result does not depend on map iteration order.
func sortChanges(cs []Change) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Coordinate != b.Coordinate {
			return a.Coordinate < b.Coordinate
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return a.Level < b.Level
	})
}

// collector accumulates the changes of one comparison.
type collector struct {
	out []Change
}

func (c *collector) add(level Level, code, coord, format string, args ...any) {
	c.out = append(c.out, Change{Level: level, Code: code, Coordinate: coord, Message: fmt.Sprintf(format, args...)})
}
