package compose

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one composition problem: a stable code (Apollo's codes, e.g. INVALID_FIELD_SHARING),
// the subgraph (empty when it is about several), the schema coordinate (Product.price,
// Product.price(currency:)), file/line/column where known, and a message saying what to do.
type Error struct {
	Code, Message, Subgraph, Coordinate, File string
	Line, Column                              int
}

// Error formats the problem as `file:line:col: CODE: [subgraph] Coordinate: message`,
// leaving out the parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Code)
	b.WriteString(": ")
	if e.Subgraph != "" {
		fmt.Fprintf(&b, "[%s] ", e.Subgraph)
	}
	if e.Coordinate != "" {
		b.WriteString(e.Coordinate)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every problem found by one composition. Its Error lists them, one per line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sortErrors orders errors by subgraph, file position, code and coordinate so that the
// report does not depend on map iteration.
func sortErrors(es []*Error) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Subgraph != b.Subgraph {
			return a.Subgraph < b.Subgraph
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Coordinate < b.Coordinate
	})
}

// quoteList writes names as `"a"`, `"a" and "b"` or `"a", "b" and "c"`.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// subgraphsWord is `subgraph "a"` or `subgraphs "a" and "b"`.
func subgraphsWord(names []string) string {
	if len(names) == 1 {
		return "subgraph " + quoteList(names)
	}
	return "subgraphs " + quoteList(names)
}
