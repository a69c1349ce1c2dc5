package compose

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/supergraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// corpusSkips lists the conformance cases whose supergraph.graphql is not what composing
// their subgraphs gives, with the reason the corpus file (not the composer) differs.
var corpusSkips = map[string]string{
	"322-federation1-core-v02-requires-provides": "the corpus supergraph uses join v0.1 (@core), which cannot say that Product.price/weight " +
		"(inventory) and User.username (reviews) are @external there; composition to join v0.3 records them with external: true, as Apollo does",
}

// TestCorpus composes every testdata/federation case and compares the result with the
// case's supergraph.graphql semantically: types, fields, arguments and the join metadata
// the gateway reads, not formatting or URLs.
func TestCorpus(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/federation/*/subgraphs")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, dir := range dirs {
		caseDir := filepath.Dir(dir)
		name := filepath.Base(caseDir)
		t.Run(name, func(t *testing.T) {
			if why := corpusSkips[name]; why != "" {
				t.Skip(why)
			}
			res, err := Compose(readSubgraphs(t, caseDir))
			if err != nil {
				t.Fatalf("compose: %v", err)
			}
			got, err := supergraph.Load("composed", res.SDL)
			if err != nil {
				t.Fatalf("load the composed supergraph: %v", err)
			}
			want, err := supergraph.Load("supergraph.graphql", readFile(t, filepath.Join(caseDir, "supergraph.graphql")))
			if err != nil {
				t.Fatalf("load the corpus supergraph: %v", err)
			}
			if d := diffLines(describe(want), describe(got)); d != "" {
				t.Errorf("semantic differences (- corpus, + composed):\n%s", d)
			}
		})
	}
}

// describe lists what a supergraph means, one fact per line, sorted.
func describe(sg *supergraph.Supergraph) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for name, def := range sg.Schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "join__") || strings.HasPrefix(name, "link__") || strings.HasPrefix(name, "__") ||
			strings.Contains(name, "__") {
			continue
		}
		add("%s %s implements %s members %s%s", def.Kind, name, strings.Join(sorted(def.Interfaces), ","), strings.Join(sorted(def.Types), ","), appliedOf(sg, def.Directives))
		for _, f := range def.Fields {
			add("%s.%s: %s%s", name, f.Name, f.Type.String(), appliedOf(sg, f.Directives))
			if f.DefaultValue != nil {
				add("%s.%s = %s", name, f.Name, f.DefaultValue.String())
			}
			for _, a := range f.Arguments {
				d := ""
				if a.DefaultValue != nil {
					d = " = " + a.DefaultValue.String()
				}
				add("%s.%s(%s: %s%s)%s", name, f.Name, a.Name, a.Type.String(), d, appliedOf(sg, a.Directives))
			}
		}
		for _, v := range def.EnumValues {
			add("%s.%s%s", name, v.Name, appliedOf(sg, v.Directives))
		}
	}
	for name, t := range sg.Types {
		for g, in := range t.In {
			var keys []string
			for _, k := range in.Keys {
				keys = append(keys, fmt.Sprintf("%s resolvable=%t", normalizeFieldSet(k.Fields), k.Resolvable))
			}
			add("%s in %s: keys [%s] extension=%t interfaceObject=%t implements %s members %s", name, g, strings.Join(keys, "; "),
				in.Extension, in.InterfaceObject, strings.Join(sortedKeys(in.Implements), ","), strings.Join(sortedKeys(in.Members), ","))
		}
		for fname, f := range t.Fields {
			for g, in := range f.In {
				add("%s.%s in %s: external=%t usedOverridden=%t requires=%q provides=%q type=%q override=%q label=%q", name, fname, g,
					in.External, in.UsedOverridden, normFS(in.RequiresRaw), normFS(in.ProvidesRaw), in.Type, in.Override, in.OverrideLabel)
			}
		}
	}
	sort.Strings(out)
	return out
}

// appliedOf prints the directives that matter to clients and the gateway (not join/link).
func appliedOf(sg *supergraph.Supergraph, dirs ast.DirectiveList) string {
	var out []string
	for _, d := range dirs {
		if strings.HasPrefix(d.Name, "join__") || d.Name == "link" || d.Name == "core" {
			continue
		}
		name := d.Name
		if name == "cost__listSize" {
			name = "listSize"
		}
		out = append(out, strings.Replace(printDirective(d), "@"+d.Name, "@"+name, 1))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return ""
	}
	return " " + strings.Join(out, " ")
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	return string(mustRead(t, path))
}

// diffLines returns the lines only in a (-) or only in b (+).
func diffLines(a, b []string) string {
	in := func(list []string) map[string]int {
		m := map[string]int{}
		for _, l := range list {
			m[l]++
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, l := range a {
		if mb[l] == 0 {
			out = append(out, "- "+l)
		}
	}
	for _, l := range b {
		if ma[l] == 0 {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

func normFS(raw string) string {
	if raw == "" {
		return ""
	}
	return normalizeFieldSet(raw)
}
