package executor

import (
	"io"
	"net/http"
	"slices"
	"sync"
	"unsafe"

	"github.com/trellis-gql/trellis/executor/tree"
)

// arena holds the memory of one execution's subgraph responses: the bodies read and the
// blocks their decoded values live in (see boxes). When the execution is over and its
// response is written out, nothing refers to that memory any more, so the next execution
// reuses it: under load most of what a request would allocate, and the collector would have
// to find and free again, is already there.
//
// Decoded strings point into the bodies and decoded values into the blocks, so a value that
// outlived its execution would change under whoever kept it. Nothing taken from a subgraph
// response may be kept past release without a copy (strings.Clone, appendValue).
type arena struct {
	mu     sync.Mutex
	bodies [][]byte // handed out; kept for reuse
	free   [][]byte
	boxes  []*boxes // handed out; kept for reuse
	spare  []*boxes
	// members is merge's, under the execution's lock: where objects' members move to
	// when they grow.
	members blocks[tree.Field]
	// indices, found and targets serve the walks to the objects of entity fetches, under
	// the execution's lock (see representations): the list indices of the objects' response
	// paths, the objects found by one walk, and the blocks their parts' targets come from.
	indices []int32
	found   []partTarget
	targets blocks[target]
}

// maxArenaBytes bounds the memory an arena keeps for the next execution: one that held
// more (a huge response) is left to the collector.
const maxArenaBytes = 1 << 20

var arenas sync.Pool

func getArena() *arena {
	if a, ok := arenas.Get().(*arena); ok {
		return a
	}
	return &arena{}
}

// release makes everything the arena handed out free for the next execution. Nothing from
// it may be used afterwards.
func (a *arena) release() {
	if a.reset() <= maxArenaBytes {
		arenas.Put(a)
	}
}

// reset makes everything the arena handed out free again, dropping what it referred to,
// and returns the bytes the arena holds.
func (a *arena) reset() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, b := range a.bodies {
		a.free = append(a.free, b[:0])
	}
	clear(a.bodies)
	a.bodies = a.bodies[:0]
	for _, b := range a.boxes {
		b.reset()
		a.spare = append(a.spare, b)
	}
	clear(a.boxes)
	a.boxes = a.boxes[:0]
	a.members.reset()
	a.targets.reset()
	clear(a.found[:cap(a.found)])
	a.indices, a.found = a.indices[:0], a.found[:0]
	size := a.members.size() + a.targets.size() +
		cap(a.indices)*int(unsafe.Sizeof(int32(0))) + cap(a.found)*int(unsafe.Sizeof(partTarget{}))
	for _, b := range a.free {
		size += cap(b)
	}
	for _, b := range a.spare {
		size += b.size()
	}
	return size
}

// box returns blocks for the values of a body of n bytes: the spare boxes that last held
// the smallest body at least as large, else the one that held the largest. Identical
// requests then find each body's blocks as the last one left them, and the arena does not
// grow.
func (a *arena) box(n int) *boxes {
	a.mu.Lock()
	defer a.mu.Unlock()
	var b *boxes
	if i := bestFit(a.spare, n, func(b *boxes) int { return b.held }); i >= 0 {
		b = a.spare[i]
		a.spare = slices.Delete(a.spare, i, i+1)
	} else {
		b = &boxes{}
	}
	b.held = n
	a.boxes = append(a.boxes, b)
	return b
}

// body returns a buffer of length n: the smallest free one large enough, or a new one.
func (a *arena) body(n int) []byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	var buf []byte
	if i := bestFit(a.free, n, func(b []byte) int { return cap(b) }); i >= 0 && cap(a.free[i]) >= n {
		buf = a.free[i][:n]
		a.free = slices.Delete(a.free, i, i+1)
	} else {
		buf = make([]byte, n)
	}
	a.bodies = append(a.bodies, buf)
	return buf
}

// bestFit returns the index of the item of the smallest size at least n, else of the
// largest; -1 when there are none.
func bestFit[T any](items []T, n int, size func(T) int) int {
	best := -1
	for i, it := range items {
		s := size(it)
		switch {
		case best < 0:
			best = i
		case s >= n && (size(items[best]) < n || s < size(items[best])):
			best = i
		case s < n && size(items[best]) < n && s > size(items[best]):
			best = i
		}
	}
	return best
}

// readBody reads at most limit+1 bytes of a response body: into a buffer of the arena when
// the length is known, as it is for most subgraph responses.
func (a *arena) readBody(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n <= limit {
		buf := a.body(int(n))
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit+1))
}

// blocks stores values of one type for boxes: the block being filled, the blocks filled
// before it, and emptied blocks to fill again before making new ones.
type blocks[T any] struct {
	cur  []T
	used [][]T
	free [][]T
}

// room makes the current block have room for n more values: a free block, or a new one of
// capacity newCap (n at least).
func (b *blocks[T]) room(n, newCap int) {
	if cap(b.cur)-len(b.cur) >= n {
		return
	}
	if b.cur != nil {
		b.used = append(b.used, b.cur)
	}
	for len(b.free) > 0 {
		f := b.free[len(b.free)-1]
		b.free = b.free[:len(b.free)-1]
		if cap(f) >= n {
			b.cur = f
			return
		}
		b.used = append(b.used, f) // too small for n; free again at the next reset
	}
	b.cur = make([]T, 0, max(n, newCap))
}

// reset empties every block, dropping what the values referred to.
func (b *blocks[T]) reset() {
	if b.cur != nil {
		b.used = append(b.used, b.cur)
		b.cur = nil
	}
	for _, u := range b.used {
		clear(u)
		b.free = append(b.free, u[:0])
	}
	clear(b.used)
	b.used = b.used[:0]
}

// size is the memory the blocks hold, in bytes.
func (b *blocks[T]) size() int {
	var zero T
	n := cap(b.cur)
	for _, f := range b.free {
		n += cap(f)
	}
	for _, u := range b.used {
		n += cap(u)
	}
	return n * int(unsafe.Sizeof(zero))
}
