// Package policy compiles the named authorization policies of the gateway's configuration:
// small boolean expressions over the caller's verified JWT claims, such as
//
//	claims.role == "admin" || claims.groups contains "billing"
//
// The supergraph's @policy directives name them; the executor evaluates them in process,
// after authentication and before planning, to decide which fields the caller may see.
//
// Grammar:
//
//	expr       = and { "||" and }
//	and        = unary { "&&" unary }
//	unary      = "!" unary | "(" expr ")" | comparison
//	comparison = operand [ ("==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "in") operand ]
//	operand    = claim | string | number | "true" | "false" | "null" | "[" [ operand { "," operand } ] "]"
//	claim      = "claims" { "." name | "[" string "]" }
//
// A bare claim is true when it is present and not false, null, "" or 0. "contains" is list
// membership; on a string claim it is membership of a whitespace-separated word (never a
// substring: "admin" is not contained in "notadmin"). "in" is the reverse. Comparisons of
// values of different kinds are false; a missing claim is null.
package policy
