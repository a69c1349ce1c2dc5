package compose

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// collector gathers errors and hints while composing.
type collector struct {
	errs  []*Error
	hints []*Error
}

// report records an error about one subgraph (sub may be nil) at pos (may be nil).
func (c *collector) report(code string, sub *subgraph, coord string, pos *ast.Position, format string, args ...any) {
	c.errs = append(c.errs, newError(code, sub, coord, pos, format, args...))
}

// hint records a note that does not fail composition.
func (c *collector) hint(code string, sub *subgraph, coord string, pos *ast.Position, format string, args ...any) {
	c.hints = append(c.hints, newError(code, sub, coord, pos, format, args...))
}

func newError(code string, sub *subgraph, coord string, pos *ast.Position, format string, args ...any) *Error {
	e := &Error{Code: code, Coordinate: coord, Message: fmt.Sprintf(format, args...)}
	if sub != nil {
		e.Subgraph = sub.name
		e.File = sub.file
	}
	if pos != nil {
		e.Line, e.Column = pos.Line, pos.Column
		if pos.Src != nil && pos.Src.Name != "" && !pos.Src.BuiltIn {
			e.File = pos.Src.Name
		}
	}
	return e
}

// gqlError turns a gqlparser error into INVALID_GRAPHQL errors.
func (c *collector) gqlError(sub *subgraph, err error) {
	var list gqlerror.List
	if errors.As(err, &list) {
		for _, e := range list {
			c.gqlError(sub, e)
		}
		return
	}
	var ge *gqlerror.Error
	if !errors.As(err, &ge) {
		c.report("INVALID_GRAPHQL", sub, "", nil, "%v", err)
		return
	}
	var pos *ast.Position
	if len(ge.Locations) > 0 {
		pos = &ast.Position{Line: ge.Locations[0].Line, Column: ge.Locations[0].Column}
	}
	c.report("INVALID_GRAPHQL", sub, "", pos, "%s Fix the SDL so that it is valid GraphQL.", ge.Message)
}
