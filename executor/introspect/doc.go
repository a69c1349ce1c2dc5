// Package introspect answers the introspection root fields, __schema and __type, from the
// client-facing API schema, so the gateway never forwards them to a subgraph.
//
// It sits in the executor after validation: the executor picks out the root fields named
// __schema or __type, hands each one to Resolve together with the API schema and the coerced
// variables, and places the returned tree under the field's response key. The API schema is
// the one clients validate against, already stripped of federation internals and
// @inaccessible elements, so whatever it holds is what introspection shows, with one
// exception: gqlparser's prelude declares all five built-in scalars (Int, Float, String,
// Boolean, ID) in every schema, while the spec lists only those that some field, argument or
// input field uses. An unreferenced one is left out of __Schema.types and `__type` of its name
// is null, as in graphql-js. Which ones are referenced is computed once per schema.
//
// Order is part of the contract because clients diff and cache introspection results:
//   - __Schema.types and __Schema.directives are sorted by name (gqlparser keeps both in maps,
//     so there is no definition order to follow);
//   - fields, arguments, input fields, enum values and interfaces follow the SDL;
//   - possibleTypes follow the union's member list, and for an interface the order in which
//     the implementing object types were defined (gqlparser's Schema.PossibleTypes).
//
// Resolve reads the schema and never writes it, so it may run concurrently on one schema.
package introspect
