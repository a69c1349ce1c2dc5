package cost

import (
	"fmt"
	"strings"
)

// The extensions.code values of the errors this package returns.
const (
	// CodeEstimatedTooExpensive is Apollo Router's code for an operation refused because of
	// its estimate.
	CodeEstimatedTooExpensive = "COST_ESTIMATED_TOO_EXPENSIVE"
	// CodeSlicingArguments marks an operation that gives none or several of the slicing
	// arguments of a @listSize(requireOneSlicingArgument: true) field. (Apollo Router
	// reports this as COST_QUERY_PARSE_FAILURE, which says less.)
	CodeSlicingArguments = "COST_SLICING_ARGUMENTS_INVALID"
)

// TooExpensiveError refuses an operation whose estimated cost exceeds the limit.
type TooExpensiveError struct {
	Estimated float64
	Max       float64
}

func (e *TooExpensiveError) Error() string {
	return fmt.Sprintf("operation estimated cost %v exceeds the maximum %v: select fewer fields, or ask for smaller pages where a field takes a slicing argument such as first",
		e.Estimated, e.Max)
}

// Code is the error's extensions.code.
func (e *TooExpensiveError) Code() string { return CodeEstimatedTooExpensive }

// Extensions are the error's GraphQL extensions, with Apollo Router's key names.
func (e *TooExpensiveError) Extensions() map[string]any {
	return map[string]any{"code": e.Code(), "cost.estimated": e.Estimated, "cost.max": e.Max}
}

// SlicingError refuses an operation that gives a @listSize(requireOneSlicingArgument: true)
// field none or several of its slicing arguments.
type SlicingError struct {
	// Field is "Type.field"; Path the response path to it, e.g. ["users", "friends"].
	Field string
	Path  []string
	// Arguments are the field's slicing arguments; Given those the operation gives.
	Arguments []string
	Given     []string
}

func (e *SlicingError) Error() string {
	given := "none"
	if len(e.Given) > 0 {
		given = strings.Join(e.Given, ", ")
	}
	return fmt.Sprintf("%s at %s must be given exactly one of the slicing arguments %s; the operation gives %s",
		e.Field, strings.Join(e.Path, "."), strings.Join(e.Arguments, ", "), given)
}

// Code is the error's extensions.code.
func (e *SlicingError) Code() string { return CodeSlicingArguments }

// Report is an operation's cost for the response's extensions.cost, with the names Apollo
// Router gives these numbers in its telemetry (cost.estimated, cost.actual).
type Report struct {
	Estimated float64 `json:"estimated"`
	Actual    float64 `json:"actual"`
}
