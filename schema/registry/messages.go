package registry

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The one-line messages of Result.Message.

func failedMessage(problems []Problem) string {
	p := problems[0]
	where := ""
	if p.Subgraph != "" {
		where = "[" + p.Subgraph + "] "
	}
	return fmt.Sprintf("failed: composition failed with %s; first: %s%s: %s; nothing changed",
		plural(len(problems), "problem"), where, p.Code, oneLine(p.Message))
}

func refusedMessage(breaking int, changes []Change) string {
	var first Change
	for _, c := range changes {
		if c.Level == LevelBreaking {
			first = c
			break
		}
	}
	return fmt.Sprintf("refused: %s (first: %s %s: %s); nothing changed; allow breaking changes to publish anyway",
		plural(breaking, "breaking change"), first.Code, first.Coordinate, oneLine(first.Message))
}

func publishedMessage(pub Publication, cur *Subgraph, next *Source, changes []Change) string {
	var what string
	switch {
	case next == nil:
		what = fmt.Sprintf("removed subgraph %q (was version %d)", pub.Subgraph, cur.Version)
	default:
		what = fmt.Sprintf("published subgraph %q version %d", pub.Subgraph, pub.SubgraphVersion)
	}
	return fmt.Sprintf("%s; supergraph version %d (%s, %d breaking)", what, pub.SupergraphVersion,
		plural(len(changes), "change"), countBreaking(changes))
}

// takeoverError says which fields p's subgraph would take from whom, and who may publish it.
func takeoverError(p *Principal, foreign []Takeover) error {
	var fields, from []string
	for _, t := range foreign {
		fields = append(fields, fmt.Sprintf("%s from subgraph %q", t.Coordinate, t.From))
		if q := strconv.Quote(t.From); !slices.Contains(from, q) {
			from = append(from, q)
		}
	}
	return fmt.Errorf("%w: team %q may not take fields of subgraphs it does not own with @override: %s; "+
		"ask the owners of %s or an admin to publish it (nothing was published; the attempt is recorded)",
		ErrForbidden, p.Team, strings.Join(fields, ", "), strings.Join(from, ", "))
}

// takeoverProblems are what a refused takeover records, one per field.
func takeoverProblems(p *Principal, subgraph string, foreign []Takeover) []Problem {
	out := make([]Problem, len(foreign))
	for i, t := range foreign {
		out[i] = Problem{Code: CodeOverrideNotOwned, Subgraph: subgraph, Coordinate: t.Coordinate,
			Message: fmt.Sprintf("subgraph %q takes %s from subgraph %q with @override; team %q does not own %q", subgraph, t.Coordinate, t.From, p.Team, t.From)}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// oneLine keeps a message on one line and short.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return clip(s)
}
