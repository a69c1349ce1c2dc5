package supergraph

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error is a problem in a supergraph document, with the place it was found.
type Error struct {
	File    string
	Line    int
	Column  int
	Message string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// Errors is every problem found in one document, in source order.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

type errorList struct {
	file string
	errs Errors
}

func (l *errorList) add(pos *ast.Position, format string, args ...any) {
	e := &Error{File: l.file, Message: fmt.Sprintf(format, args...)}
	if pos != nil {
		e.Line, e.Column = pos.Line, pos.Column
	}
	l.errs = append(l.errs, e)
}

func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return l.errs
}

// fromGQL turns a gqlparser error into an Error that names the file.
func fromGQL(file string, err error) error {
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		e := &Error{File: file, Message: ge.Message}
		if len(ge.Locations) > 0 {
			e.Line, e.Column = ge.Locations[0].Line, ge.Locations[0].Column
		}
		return Errors{e}
	}
	var gl gqlerror.List
	if errors.As(err, &gl) && len(gl) > 0 {
		return fromGQL(file, gl[0])
	}
	return Errors{{File: file, Message: err.Error()}}
}
