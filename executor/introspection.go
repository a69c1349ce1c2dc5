package executor

import (
	"fmt"

	"github.com/trellis-gql/trellis/planner"
)

// CodeIntrospectionDisabled refuses an operation that selects __schema or __type when the
// gateway's introspection is off.
const CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"

// refuseIntrospection refuses an operation whose root selects __schema or __type (however it
// got there: aliases, fragments). Introspection fields are valid only at the root, where the
// normalized operation marks them with Source.
func refuseIntrospection(op *planner.Operation) *requestError {
	for _, c := range op.Selection.Cases {
		for _, f := range c.Fields {
			if f.Source != nil {
				return &requestError{errs: []gqlError{newError(CodeIntrospectionDisabled,
					fmt.Sprintf("introspection is disabled on this gateway: the operation selects %s (ask the operator for the schema, or turn introspection on)", f.Name))}}
			}
		}
	}
	return nil
}
