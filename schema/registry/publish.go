package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Publish stores in as the subgraph's next version when the set, with in in place of the
// current version, composes and the change is allowed: see Result.Status for the outcomes.
// Only the attempt is stored when the schema and routing URL are unchanged, composition fails,
// or the change is breaking and allowBreaking is false.
func (r *Registry) Publish(ctx context.Context, p *Principal, in Input, allowBreaking bool) (*Result, error) {
	if err := authenticated(p); err != nil {
		return nil, err
	}
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if err := authorize(p, in.Name); err != nil {
		return nil, err
	}
	return r.change(ctx, p, ActionPublish, in.Name, allowBreaking, func(ctx context.Context, q *queries, cur *Subgraph) (*Source, error) {
		next := &Source{Name: in.Name, RoutingURL: in.RoutingURL, SDL: in.SDL}
		if next.RoutingURL == "" {
			if cur == nil {
				return nil, fmt.Errorf("%w: subgraph %q is new: give its routing URL", ErrInvalid, in.Name)
			}
			next.RoutingURL = cur.RoutingURL
		}
		return next, nil
	})
}

// Remove takes a subgraph out of the current set when the rest composes and the change is
// allowed. Its versions stay stored, so it can be rolled back in.
func (r *Registry) Remove(ctx context.Context, p *Principal, name string, allowBreaking bool) (*Result, error) {
	if err := authenticated(p); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	if err := authorize(p, name); err != nil {
		return nil, err
	}
	return r.change(ctx, p, ActionRemove, name, allowBreaking, func(ctx context.Context, q *queries, cur *Subgraph) (*Source, error) {
		if cur == nil {
			return nil, fmt.Errorf("%w: subgraph %q is not in the current set: list it with Subgraphs", ErrNotFound, name)
		}
		return nil, nil
	})
}

// Rollback republishes version `to` of subgraph `name` (schema and routing URL) as a new version.
func (r *Registry) Rollback(ctx context.Context, p *Principal, name string, to int, allowBreaking bool) (*Result, error) {
	if err := authenticated(p); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	if to < 1 {
		return nil, fmt.Errorf("%w: version %d: versions start at 1; list them with Versions", ErrInvalid, to)
	}
	if err := authorize(p, name); err != nil {
		return nil, err
	}
	res, err := r.change(ctx, p, ActionRollback, name, allowBreaking, func(ctx context.Context, q *queries, cur *Subgraph) (*Source, error) {
		old, err := q.version(ctx, name, to)
		if err != nil {
			return nil, err
		}
		if old == nil {
			return nil, fmt.Errorf("%w: subgraph %q has no version %d: list them with Versions", ErrNotFound, name, to)
		}
		return &Source{Name: name, RoutingURL: old.RoutingURL, SDL: old.SDL}, nil
	})
	if err == nil && res.Status == StatusPublished {
		res.Message = fmt.Sprintf("rolled subgraph %q back to version %d, stored as version %d; supergraph version %d (%s, %d breaking)",
			name, to, res.SubgraphVersion, res.SupergraphVersion, plural(len(res.Changes), "change"), countBreaking(res.Changes))
	}
	return res, err
}

// decideFunc says, inside the write lock, what replaces the current version cur (nil when the
// subgraph is not in the set): a source to store, or nil to remove the subgraph.
type decideFunc func(ctx context.Context, q *queries, cur *Subgraph) (*Source, error)

// change is Publish, Remove and Rollback: inside one locked transaction it reads the current
// set, composes it with the change, diffs, and stores the outcome and the attempt.
func (r *Registry) change(ctx context.Context, p *Principal, action, name string, allowBreaking bool, decide decideFunc) (*Result, error) {
	var res *Result
	var forbidden error // a refusal recorded as an attempt, returned after the commit
	err := r.write(ctx, func(q *queries) error {
		cur, err := q.current(ctx, name)
		if err != nil {
			return err
		}
		next, err := decide(ctx, q, cur)
		if err != nil {
			return err
		}
		base, err := q.latestSupergraph(ctx)
		if err != nil {
			return err
		}
		pub := Publication{Subgraph: name, Action: action, By: p.Team, CreatedAt: r.now(), SupergraphVersion: versionOf(base)}
		if next != nil && cur != nil && next.SDL == cur.SDL && next.RoutingURL == cur.RoutingURL {
			pub.Status, pub.SubgraphVersion = StatusUnchanged, cur.Version
			res = &Result{Publication: pub, Message: fmt.Sprintf("unchanged: subgraph %q version %d already has this schema and routing URL; nothing stored", name, cur.Version)}
		} else if res, forbidden, err = r.land(ctx, q, p, pub, cur, next, base, allowBreaking); err != nil {
			return err
		}
		return q.addPublication(ctx, &res.Publication, r.keepPublications)
	})
	if err == nil {
		err = forbidden
	}
	if err != nil {
		return nil, fmt.Errorf("registry: %s %q: %w", action, name, err)
	}
	if res.Supergraph != nil {
		r.w.publish(res.Supergraph)
	}
	return res, nil
}

// land composes the current set with next in place of the subgraph (next nil: without it),
// diffs the result against base and, when allowed, stores the subgraph and supergraph versions.
// forbidden is set, with a refused attempt to record, when next takes fields of a subgraph p
// does not own.
func (r *Registry) land(ctx context.Context, q *queries, p *Principal, pub Publication, cur *Subgraph, next *Source, base *Supergraph,
	allowBreaking bool) (res *Result, forbidden, err error) {
	set, err := q.currentSet(ctx)
	if err != nil {
		return nil, nil, err
	}
	sdl, problems, err := r.composeSafely(ctx, withChange(set, pub.Subgraph, next))
	if err != nil {
		return nil, nil, err
	}
	if len(problems) > 0 {
		pub.Status, pub.Problems = StatusFailed, problems
		return &Result{Publication: pub, Message: failedMessage(problems)}, nil, nil
	}
	changes, err := r.diffSafely(baseSDL(base), sdl)
	if err != nil {
		return nil, nil, err
	}
	pub.Changes = changes
	if next != nil && !p.Admin {
		taken, err := r.takeoversSafely(baseSDL(base), sdl, next.Name)
		if err != nil {
			return nil, nil, err
		}
		if foreign := foreignTakeovers(p, taken); len(foreign) > 0 {
			pub.Status, pub.Problems = StatusRefused, takeoverProblems(p, next.Name, foreign)
			forbidden = takeoverError(p, foreign)
			return &Result{Publication: pub, Message: "refused: " + forbidden.Error()}, forbidden, nil
		}
	}
	if n := countBreaking(changes); n > 0 && !allowBreaking {
		pub.Status = StatusRefused
		return &Result{Publication: pub, Message: refusedMessage(n, changes)}, nil, nil
	}
	if next != nil {
		pub.SubgraphVersion, err = q.putSubgraph(ctx, Subgraph{Name: next.Name, RoutingURL: next.RoutingURL, SDL: next.SDL, PublishedAt: pub.CreatedAt, PublishedBy: pub.By})
	} else {
		pub.SubgraphVersion, err = cur.Version, q.dropSubgraph(ctx, pub.Subgraph)
	}
	if err == nil && r.beforeSupergraph != nil {
		err = r.beforeSupergraph()
	}
	if err != nil {
		return nil, nil, err
	}
	sg := &Supergraph{Version: versionOf(base) + 1, SDL: sdl, Hash: sha256Hex(sdl), CreatedAt: pub.CreatedAt,
		Subgraphs: refsAfter(set, pub.Subgraph, next, pub.SubgraphVersion)}
	if err := q.putSupergraph(ctx, sg, r.keepSupergraphs); err != nil {
		return nil, nil, err
	}
	pub.Status, pub.SupergraphVersion = StatusPublished, sg.Version
	return &Result{Publication: pub, Supergraph: sg, Message: publishedMessage(pub, cur, next, changes)}, nil, nil
}

// withChange returns the sources to compose: set with next in place of name (next nil:
// without name), sorted by name.
func withChange(set []Subgraph, name string, next *Source) []Source {
	out := make([]Source, 0, len(set)+1)
	for _, s := range set {
		if s.Name != name {
			out = append(out, Source{Name: s.Name, RoutingURL: s.RoutingURL, SDL: s.SDL})
		}
	}
	if next != nil {
		out = append(out, *next)
	}
	slices.SortFunc(out, func(a, b Source) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// refsAfter lists the subgraph versions of the new supergraph, sorted by name.
func refsAfter(set []Subgraph, name string, next *Source, version int) []SubgraphRef {
	out := make([]SubgraphRef, 0, len(set)+1)
	for _, s := range set {
		if s.Name != name {
			out = append(out, SubgraphRef{Name: s.Name, Version: s.Version})
		}
	}
	if next != nil {
		out = append(out, SubgraphRef{Name: name, Version: version})
	}
	slices.SortFunc(out, func(a, b SubgraphRef) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Check composes the current set with in in place of its subgraph, and diffs the result
// against the current supergraph, as Publish would; it changes nothing. in.RoutingURL may be ""
// for a new subgraph too (the URL is not part of the API schema).
func (r *Registry) Check(ctx context.Context, p *Principal, in Input) (*CheckResult, error) {
	if err := authenticated(p); err != nil {
		return nil, err
	}
	if err := checkInput(in); err != nil {
		return nil, err
	}
	var set []Subgraph
	var base *Supergraph
	err := r.read(ctx, func(q *queries) error {
		var err error
		if set, err = q.currentSet(ctx); err != nil {
			return err
		}
		base, err = q.latestSupergraph(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: check %q: %w", in.Name, err)
	}
	next := &Source{Name: in.Name, RoutingURL: checkURLFor(set, in), SDL: in.SDL}
	sdl, problems, err := r.composeSafely(ctx, withChange(set, in.Name, next))
	if err != nil {
		return nil, fmt.Errorf("registry: check %q: %w", in.Name, err)
	}
	if len(problems) > 0 {
		return &CheckResult{Problems: problems}, nil
	}
	changes, err := r.diffSafely(baseSDL(base), sdl)
	if err != nil {
		return nil, fmt.Errorf("registry: check %q: %w", in.Name, err)
	}
	out := &CheckResult{Changes: changes, Breaking: countBreaking(changes) > 0}
	if !p.Admin { // what publishing with this token would refuse: another team's fields
		taken, err := r.takeoversSafely(baseSDL(base), sdl, in.Name)
		if err != nil {
			return nil, fmt.Errorf("registry: check %q: %w", in.Name, err)
		}
		out.Problems = takeoverProblems(p, in.Name, foreignTakeovers(p, taken))
	}
	return out, nil
}

// checkURLFor is the routing URL a check composes with: the given one, else the current one,
// else a placeholder that cannot resolve.
func checkURLFor(set []Subgraph, in Input) string {
	if in.RoutingURL != "" {
		return in.RoutingURL
	}
	for _, s := range set {
		if s.Name == in.Name {
			return s.RoutingURL
		}
	}
	return "http://" + strings.ToLower(in.Name) + ".invalid/graphql"
}

// composeSafely calls the Composer, turning a panic into an error so that a composer bug
// fails one publish instead of the process.
func (r *Registry) composeSafely(ctx context.Context, sources []Source) (sdl string, problems []Problem, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("composing: the composer panicked: %v", v)
		}
	}()
	sdl, problems, err = r.compose(ctx, sources)
	if err != nil {
		return "", nil, fmt.Errorf("composing: %w", err)
	}
	if len(problems) == 0 && strings.TrimSpace(sdl) == "" {
		return "", nil, fmt.Errorf("composing: the composer returned neither a supergraph nor problems")
	}
	return sdl, problems, nil
}

// diffSafely calls the Differ, turning a panic into an error.
func (r *Registry) diffSafely(oldSDL, newSDL string) (changes []Change, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("classifying changes: the differ panicked: %v", v)
		}
	}()
	changes, err = r.diff(oldSDL, newSDL)
	if err != nil {
		return nil, fmt.Errorf("classifying changes: %w", err)
	}
	return changes, nil
}

// takeoversSafely calls the TakeoverFinder (none: no takeovers), turning a panic into an error.
func (r *Registry) takeoversSafely(oldSDL, newSDL, subgraph string) (taken []Takeover, err error) {
	if r.opts.Takeovers == nil {
		return nil, nil
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("finding @override takeovers: the finder panicked: %v", v)
		}
	}()
	taken, err = r.opts.Takeovers(oldSDL, newSDL, subgraph)
	if err != nil {
		return nil, fmt.Errorf("finding @override takeovers: %w", err)
	}
	return taken, nil
}

func versionOf(sg *Supergraph) int64 {
	if sg == nil {
		return 0
	}
	return sg.Version
}

func baseSDL(sg *Supergraph) string {
	if sg == nil {
		return ""
	}
	return sg.SDL
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func countBreaking(changes []Change) int {
	n := 0
	for _, c := range changes {
		if c.Level == LevelBreaking {
			n++
		}
	}
	return n
}
