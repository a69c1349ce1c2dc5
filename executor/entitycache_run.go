package executor

import (
	"context"
	"time"

	"github.com/trellis-gql/trellis/executor/tree"
)

// cachedEntities is what the entity cache contributes to one entity request: the entities
// it had, to merge into their objects, and the keys of the representations it lacked, to
// store their entities once fetched.
type cachedEntities struct {
	cache *entityCache
	hits  []cachedHit
	// sent holds, per part, the key of each representation sent (compacted order); nil for
	// a part with no representation of a cached type, and a zero key for one not cached.
	sent [][]sentKey
}

// cachedHit is a cached entity (a fresh copy, rewrites applied) and an object it resolves.
type cachedHit struct {
	target *tree.Object
	entity *tree.Object
}

type sentKey struct {
	key string
	ttl time.Duration
}

// lookupEntities looks up the representations of cached types. Those found leave the parts:
// their targets take the cached entity instead, and the other targets' representation
// indices are renumbered to the list actually sent, which is what the subgraph's entities
// and error paths refer to. nil when the cache does not apply (off, a mutation, no cached
// type). It does I/O and must run outside e.mu; the parts are not shared yet.
func (e *execution) lookupEntities(ctx context.Context, parts []*part) *cachedEntities {
	c := e.g.entities
	if c == nil || e.mutation {
		return nil
	}
	type ref struct {
		part, rep int
		ttl       time.Duration
	}
	var keys []string
	var refs []ref
	var scratch []byte
	scope := scopeFrom(ctx)
	for pi, p := range parts {
		var digest [32]byte
		hashed := false
		for ri, rep := range p.reps {
			ttl, ok := c.ttl(rep)
			if !ok {
				continue
			}
			if !hashed {
				digest, hashed = fetchDigest(p.fetch, e.vars, entityScope(scope, e.g.headerFingerprint(ctx, p.fetch.Service))), true
			}
			var k string
			k, scratch = entityKey(&digest, rep, scratch)
			keys = append(keys, k)
			refs = append(refs, ref{pi, ri, ttl})
		}
	}
	if len(keys) == 0 {
		return nil
	}
	vals := c.store.get(ctx, keys)
	found := make([][]*tree.Object, len(parts)) // per part, per representation
	pending := make([][]sentKey, len(parts))    // per part, per representation
	var hits, received int
	for i, r := range refs {
		p := parts[r.part]
		if found[r.part] == nil {
			found[r.part] = make([]*tree.Object, len(p.reps))
			pending[r.part] = make([]sentKey, len(p.reps))
		}
		if obj := decodeEntity(vals[i]); obj != nil {
			if hr := headerRunFrom(ctx); hr != nil {
				hr.out.Unknown(p.fetch.Service) // no response: its Cache-Control is unknown
			}
			applyRewrites(obj, p.fetch.Rewrites)
			found[r.part][r.rep] = obj
			hits++
			received += len(vals[i])
			continue
		}
		pending[r.part][r.rep] = sentKey{keys[i], r.ttl}
	}
	c.stats.hits.Add(uint64(hits))
	c.stats.misses.Add(uint64(len(refs) - hits))
	e.received.Add(int64(received))
	ce := &cachedEntities{cache: c, sent: make([][]sentKey, len(parts))}
	for pi, p := range parts {
		if found[pi] != nil {
			ce.sent[pi] = ce.compact(p, found[pi], pending[pi])
		}
	}
	return ce
}

// compact takes the representations found out of p and returns the keys of those left.
func (ce *cachedEntities) compact(p *part, found []*tree.Object, pending []sentKey) []sentKey {
	renumber := make([]int, len(p.reps))
	reps := p.reps[:0]
	var sent []sentKey
	for i, rep := range p.reps {
		if found[i] != nil {
			continue
		}
		renumber[i] = len(reps)
		reps = append(reps, rep)
		sent = append(sent, pending[i])
	}
	p.reps = reps
	targets := p.targets[:0]
	for _, t := range p.targets {
		if obj := found[t.rep]; obj != nil {
			ce.hits = append(ce.hits, cachedHit{target: t.obj, entity: obj})
			continue
		}
		t.rep = renumber[t.rep]
		targets = append(targets, t)
	}
	p.targets = targets
	p.index = nil
	return sent
}

// decodeEntity decodes a cached entity into a tree of its own (merge keeps and mutates
// what it merges), nil when there is none or it is not an object.
func decodeEntity(raw []byte) *tree.Object {
	if raw == nil {
		return nil
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil
	}
	obj, _ := v.(*tree.Object)
	return obj
}

// mergeHits merges the cached entities into their objects, as fetched ones are. e.mu held.
func (e *execution) mergeHits(ce *cachedEntities) {
	if ce == nil {
		return
	}
	for _, h := range ce.hits {
		e.merge(h.target, h.entity)
	}
}

// storeEntities stores the entities fetched for representations of cached types, as the
// subgraph sent them: it must run before rewrites and merges change them. An entity with an
// error under its path is not stored; neither is anything of a response with an error that
// points at no entity (no path, or the whole list), nor a part whose entity list does not
// match the representations sent.
func (ce *cachedEntities) storeEntities(ctx context.Context, parts []*part, resp *subgraphResponse) {
	if ce == nil {
		return
	}
	type at struct {
		alias string
		index int
	}
	failed := map[at]bool{}
	for _, se := range resp.Errors {
		p := subgraphPath(se)
		if len(p) < 2 {
			return
		}
		alias, _ := p[0].(string)
		index, ok := p[1].(int)
		if !ok {
			return
		}
		failed[at{alias, index}] = true
	}
	var entries []entityEntry
	for pi, p := range parts {
		sent := ce.sent[pi]
		entities, _ := resp.Data.Get(p.alias).([]any)
		if sent == nil || len(entities) != len(sent) {
			continue
		}
		for i, k := range sent {
			if k.key == "" || failed[at{p.alias, i}] {
				continue
			}
			if obj, ok := entities[i].(*tree.Object); ok {
				entries = append(entries, entityEntry{key: k.key, value: appendValue(nil, obj), ttl: k.ttl})
			}
		}
	}
	if len(entries) > 0 {
		ce.cache.store.set(ctx, entries)
	}
}
