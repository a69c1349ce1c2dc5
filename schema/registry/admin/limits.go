package admin

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// maxComplexity bounds an operation's complexity (gqlgen's default: one point per field
// selected, lists not multiplied; introspection counts nothing). The client's largest
// operation, a publish with its whole result, is 31; 2,000 aliases of whoami { team } are 4,000.
const maxComplexity = 500

// heavyFields may be asked for under one response key per selection set: their answers are
// large (schemas, lists) or costly (a composition, a long poll, a write). Without this, one
// small request could ask for the supergraph SDL under thousands of aliases (a 7 KB request
// made a 63 MB answer). Field names, whatever the parent type: PublishResult.supergraph and
// Supergraph.subgraphs are bounded the same way.
var heavyFields = map[string]bool{
	// Query
	"supergraph": true, "supergraphAfter": true, "history": true, "subgraphs": true, "subgraph": true,
	"versions": true, "check": true, "tokens": true, "policy": true, "policyVersions": true, "policyAfter": true,
	// Mutation
	"publish": true, "remove": true, "rollback": true, "publishPolicy": true,
	// large values and lists inside the answers
	"sdl": true, "document": true, "problems": true, "changes": true,
}

// heavyOnce refuses an operation that selects a heavy field under more than one response
// key in one selection set, counting fragments and the merging of fields with the same
// response key as execution does. It runs after validation, before any resolver.
type heavyOnce struct{}

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = heavyOnce{}

func (heavyOnce) ExtensionName() string                   { return "HeavyFieldsOnce" }
func (heavyOnce) Validate(graphql.ExecutableSchema) error { return nil }

func (heavyOnce) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	name, pos := repeatedHeavy(oc.Doc, []ast.SelectionSet{oc.Operation.SelectionSet})
	if name == "" {
		return nil
	}
	err := gqlerror.ErrorPosf(pos, "the operation selects %q more than once (under several aliases or fragments): "+
		"ask for it once per request, or send several requests", name)
	err.Extensions = map[string]any{"code": CodeBadUserInput}
	return err
}

// repeatedHeavy returns the first heavy field selected under two response keys in the
// selection sets merged into one (sets), or in the merged selections below them.
func repeatedHeavy(doc *ast.QueryDocument, sets []ast.SelectionSet) (string, *ast.Position) {
	var order []string                      // response keys, first seen first
	subs := map[string][]ast.SelectionSet{} // response key -> the selection sets merged under it
	keys := map[string]map[string]bool{}    // field name -> its response keys
	expanded := map[string]bool{}           // fragments spread in this merged set: once is enough
	var collect func(ast.SelectionSet) (string, *ast.Position)
	collect = func(set ast.SelectionSet) (string, *ast.Position) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				if keys[s.Name] == nil {
					keys[s.Name] = map[string]bool{}
				}
				keys[s.Name][key] = true
				if heavyFields[s.Name] && len(keys[s.Name]) > 1 {
					return s.Name, s.Position
				}
				if _, seen := subs[key]; !seen {
					order = append(order, key)
				}
				subs[key] = append(subs[key], s.SelectionSet)
			case *ast.InlineFragment:
				if name, pos := collect(s.SelectionSet); name != "" {
					return name, pos
				}
			case *ast.FragmentSpread:
				def := s.Definition
				if def == nil {
					def = doc.Fragments.ForName(s.Name)
				}
				if def == nil || expanded[s.Name] {
					continue
				}
				expanded[s.Name] = true
				if name, pos := collect(def.SelectionSet); name != "" {
					return name, pos
				}
			}
		}
		return "", nil
	}
	for _, set := range sets {
		if name, pos := collect(set); name != "" {
			return name, pos
		}
	}
	for _, key := range order {
		if name, pos := repeatedHeavy(doc, subs[key]); name != "" {
			return name, pos
		}
	}
	return "", nil
}
