package registry

import (
	"fmt"
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
