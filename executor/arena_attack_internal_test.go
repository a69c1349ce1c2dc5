package executor

// Attack tests of the execution arena (arena.go): its invariants, and executions through a
// whole gateway whose answers would show one request's data in another's, under -race.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
	"weak"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/planner"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// arenaSupergraph: products owns the root field nodes (Items and Boxes behind the Node
// interface) and Item's name and weight; inventory adds tag, must (non-null) and ship, which
// @requires weight.
const arenaSupergraph = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  INVENTORY @join__graph(name: "inventory", url: "INVENTORY_URL")
  PRODUCTS @join__graph(name: "products", url: "PRODUCTS_URL")
}
interface Node @join__type(graph: PRODUCTS) { id: ID! }
type Item implements Node @join__implements(graph: PRODUCTS, interface: "Node")
    @join__type(graph: PRODUCTS, key: "id") @join__type(graph: INVENTORY, key: "id") {
  id: ID!
  name: String @join__field(graph: PRODUCTS)
  weight: Int @join__field(graph: PRODUCTS) @join__field(graph: INVENTORY, external: true)
  tag: String @join__field(graph: INVENTORY)
  must: String! @join__field(graph: INVENTORY)
  ship: String @join__field(graph: INVENTORY, requires: "weight")
}
type Box implements Node @join__implements(graph: PRODUCTS, interface: "Node") @join__type(graph: PRODUCTS) {
  id: ID!
  label: String
}
type Query @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  nodes(v: String!, n: Int!): [Node] @join__field(graph: PRODUCTS)
}
`

const arenaQuery = `query($v: String!, $n: Int!) { nodes(v: $v, n: $n) { __typename id ... on Item { name tag must ship } ... on Box { label } } }`

// arenaRequest is a subgraph request as the test subgraphs read it.
type arenaRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

func readArenaRequest(w http.ResponseWriter, r *http.Request) (arenaRequest, bool) {
	var req arenaRequest
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return req, false
	}
	return req, true
}

// modeOf is the mode a value v (or an id, v-i) asks for: what comes before the first '_'.
func modeOf(v string) string {
	mode, _, _ := strings.Cut(v, "_")
	return mode
}

// arenaWrite answers with body as the mode asks: in one piece with a Content-Length, or
// in flushed pieces without one ("chunk", and every body over 64 KiB half the time).
func arenaWrite(w http.ResponseWriter, r *http.Request, mode string, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	switch mode {
	case "chunk", "bigchunk":
		w.WriteHeader(status)
		for len(body) > 0 {
			n := min(len(body), 7+len(body)/5)
			w.Write(body[:n])
			w.(http.Flusher).Flush()
			body = body[n:]
		}
		return
	case "stall":
		// Half the body, then nothing until the gateway gives up: its timeout ends the read
		// in the middle of the arena's buffer.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// arenaProducts answers nodes(v, n): n nodes, every third a Box, with ids v-i.
func arenaProducts(w http.ResponseWriter, r *http.Request) {
	req, ok := readArenaRequest(w, r)
	if !ok {
		return
	}
	v, _ := req.Variables["v"].(string)
	n, _ := req.Variables["n"].(json.Number).Int64()
	mode := modeOf(v)
	if mode == "pslow" {
		time.Sleep(200 * time.Millisecond)
	}
	if mode == "perr" {
		arenaWrite(w, r, mode, http.StatusOK, fmt.Appendf(nil,
			`{"data":{"nodes":null},"errors":[{"message":"no nodes for %s","path":["nodes"],"extensions":{"code":"P","v":%q}}]}`, v, v))
		return
	}
	if mode != "chunk" {
		mode = "" // the other modes are inventory's
	}
	var b bytes.Buffer
	b.WriteString(`{"data":{"nodes":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := fmt.Sprintf("%s-%d", v, i)
		if i%3 == 2 {
			fmt.Fprintf(&b, `{"__typename":"Box","id":%q,"label":"label-%s"}`, id, id)
			continue
		}
		fmt.Fprintf(&b, `{"__typename":"Item","id":%q,"name":"name-%s","weight":%d}`, id, id, 10+i)
	}
	b.WriteString(`]}}`)
	arenaWrite(w, r, mode, http.StatusOK, b.Bytes())
}

// arenaInventory answers _entities: tag, must and ship of each Item from its id and weight,
// as the id's mode asks.
func arenaInventory(w http.ResponseWriter, r *http.Request) {
	req, ok := readArenaRequest(w, r)
	if !ok {
		return
	}
	reps, _ := req.Variables["representations"].([]any)
	mode := ""
	if len(reps) > 0 {
		id, _ := reps[0].(map[string]any)["id"].(string)
		mode = modeOf(id)
	}
	if mode == "slow" {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	var b, errs bytes.Buffer
	b.WriteString(`{"data":{"_entities":[`)
	for i, rep := range reps {
		m, _ := rep.(map[string]any)
		id, _ := m["id"].(string)
		weight, _ := m["weight"].(json.Number)
		if i > 0 {
			b.WriteByte(',')
		}
		if mode == "empty" {
			b.Truncate(len(`{"data":{"_entities":[`))
			break
		}
		tag, must := fmt.Sprintf("%q", "tag-"+id), fmt.Sprintf("%q", "must-"+id)
		switch mode {
		case "err":
			tag = "null"
			fmt.Fprintf(&errs, `,{"message":"boom %s","path":["_entities",%d,"tag"],"extensions":{"code":"E-%s","nested":{"list":[%q,1.5,true,null]}}}`, id, i, id, id)
		case "nul":
			if i == 0 {
				must = "null"
				fmt.Fprintf(&errs, `,{"message":"no must for %s","path":["_entities",%d,"must"]}`, id, i)
			}
		case "big", "bigchunk":
			tag = fmt.Sprintf("%q", strings.Repeat("x", 300_000)+id)
		case "esc":
			tag = fmt.Sprintf("%q", "t\n\"\\é\u00e9\U0001F600-"+id)
		}
		b.WriteString(`{"__typename":"Item",`)
		if mode == "dup" {
			fmt.Fprintf(&b, `"tag":"stale","must":"stale",`)
		}
		if mode == "wide" {
			for k := range 40 {
				fmt.Fprintf(&b, `"x%d":"%s-%d",`, k, id, k)
			}
		}
		fmt.Fprintf(&b, `"tag":%s,"must":%s,"ship":"ship-%s-%s"}`, tag, must, id, weight)
	}
	b.WriteString(`]}`)
	if errs.Len() > 0 {
		b.WriteString(`,"errors":[`)
		b.Write(errs.Bytes()[1:])
		b.WriteByte(']')
	}
	b.WriteByte('}')
	body := b.Bytes()
	switch mode {
	case "bad":
		body = body[:len(body)*2/3] // invalid JSON
	case "e500":
		arenaWrite(w, r, mode, http.StatusInternalServerError, []byte("<html>oops for "+string(body[:80])+"</html>"))
		return
	case "e502":
		arenaWrite(w, r, mode, http.StatusBadGateway, fmt.Appendf(nil, `{"errors":[{"message":"bad gateway for %s","extensions":{"len":%d}}]}`, reps[0].(map[string]any)["id"], len(reps)))
		return
	}
	arenaWrite(w, r, mode, http.StatusOK, body)
}

// arenaLog keeps every record logged, with a copy of its text taken when it was logged.
type arenaLog struct {
	mu      sync.Mutex
	records []slog.Record
	texts   []string
}

func (l *arenaLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *arenaLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *arenaLog) WithGroup(string) slog.Handler            { return l }
func (l *arenaLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r)
	l.texts = append(l.texts, strings.Clone(recordText(r)))
	return nil
}

func recordText(r slog.Record) string {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%s", a.Key, a.Value.String())
		return true
	})
	return b.String()
}

// arenaGateway starts the test subgraphs and a gateway on them configured by set.
func arenaGateway(t testing.TB, set func(*Config)) (*Gateway, *arenaLog) {
	t.Helper()
	products := httptest.NewServer(http.HandlerFunc(arenaProducts))
	t.Cleanup(products.Close)
	inventory := httptest.NewServer(http.HandlerFunc(arenaInventory))
	t.Cleanup(inventory.Close)
	sdl := strings.NewReplacer("INVENTORY_URL", inventory.URL, "PRODUCTS_URL", products.URL).Replace(arenaSupergraph)
	sg, err := supergraph.Load("arena.graphql", sdl)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.SubgraphTimeout = 4 * time.Second // well past a loaded -race run; slow and stall subgraphs wait longer
	if set != nil {
		set(&cfg)
	}
	log := &arenaLog{}
	gw, err := New(cfg, sg, nil, slog.New(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	return gw, log
}

// arenaPost sends the arena query with v and n and returns the status and body.
func arenaPost(ctx context.Context, h http.Handler, v string, n int) (int, string) {
	raw, _ := json.Marshal(map[string]any{"query": arenaQuery, "variables": map[string]any{"v": v, "n": n}})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

var arenaToken = regexp.MustCompile(`tk[0-9]{4}z`)

// arenaVariant is one request of the mix: its variables, and whether its answer is the same
// every time (timeouts and cancellations are not compared byte for byte).
type arenaVariant struct {
	v      string
	n      int
	exact  bool
	cancel bool // the client goes away after a moment
}

func (rv arenaVariant) token() string { return arenaToken.FindString(rv.v) }

// arenaMix returns count variants over every mode, each with a token of its own.
func arenaMix(count int) []arenaVariant {
	modes := []string{"ok", "ok", "ok", "chunk", "err", "nul", "bad", "e500", "e502", "esc", "dup", "wide", "empty", "perr", "ok", "chunk"}
	var out []arenaVariant
	for k := range count {
		mode := modes[k%len(modes)]
		n := 1 + k%9
		out = append(out, arenaVariant{v: fmt.Sprintf("%s_tk%04dz", mode, k), n: n, exact: true})
	}
	// Two huge answers (over 1 MiB: their arenas are not kept), timeouts before the
	// headers and in the middle of a body, and clients that go away.
	out = append(out,
		arenaVariant{v: fmt.Sprintf("big_tk%04dz", count), n: 5, exact: true},
		arenaVariant{v: fmt.Sprintf("chunk_tk%04dz", count+1), n: 200, exact: true},
		arenaVariant{v: fmt.Sprintf("slow_tk%04dz", count+2), n: 4},
		arenaVariant{v: fmt.Sprintf("stall_tk%04dz", count+3), n: 40},
		arenaVariant{v: fmt.Sprintf("ok_tk%04dz", count+4), n: 30, cancel: true},
		arenaVariant{v: fmt.Sprintf("chunk_tk%04dz", count+5), n: 30, cancel: true},
		arenaVariant{v: fmt.Sprintf("bigchunk_tk%04dz", count+6), n: 5, exact: true},
	)
	return out
}

// checkOwn fails unless body is a JSON object that names rv's token and no other.
func checkOwn(rv arenaVariant, body string) error {
	if !json.Valid([]byte(body)) {
		return fmt.Errorf("invalid JSON: %.300s", body)
	}
	for _, tk := range arenaToken.FindAllString(body, -1) {
		if tk != rv.token() {
			return fmt.Errorf("answer of %s names %s (another request's): %.300s", rv.v, tk, body)
		}
	}
	return nil
}

// drainArenas takes every arena out of the pool.
func drainArenas() []*arena {
	var out []*arena
	for {
		a, ok := arenas.Get().(*arena)
		if !ok {
			return out
		}
		out = append(out, a)
	}
}

// checkReleased fails unless a is as release leaves it: nothing handed out, every block and
// scratch slice zeroed to its capacity, and at most maxArenaBytes held.
func checkReleased(t *testing.T, a *arena) {
	t.Helper()
	if len(a.bodies) != 0 || len(a.boxes) != 0 {
		t.Errorf("a pooled arena has %d bodies and %d boxes handed out", len(a.bodies), len(a.boxes))
	}
	if size := a.reset(); size > maxArenaBytes {
		t.Errorf("a pooled arena holds %d bytes, over the %d allowed", size, maxArenaBytes)
	}
	checkBlocksZero(t, "arena.members", &a.members)
	checkBlocksZero(t, "arena.targets", &a.targets)
	for i, f := range a.found[:cap(a.found)] {
		if f.obj != nil {
			t.Errorf("arena.found[%d] still points at an object", i)
		}
	}
	for _, b := range a.spare {
		checkBoxesZero(t, b)
	}
}

func checkBoxesZero(t *testing.T, b *boxes) {
	t.Helper()
	checkBlocksZero(t, "strings", &b.strings)
	checkBlocksZero(t, "numbers", &b.numbers)
	checkBlocksZero(t, "lists", &b.lists)
	checkBlocksZero(t, "objects", &b.objects)
	checkBlocksZero(t, "members", &b.members)
	checkBlocksZero(t, "listed", &b.listed)
	for i, v := range b.stack[:cap(b.stack)] {
		if v != nil {
			t.Errorf("boxes.stack[%d] still set after reset", i)
		}
	}
	for i, f := range b.fields[:cap(b.fields)] {
		if f != (tree.Field{}) {
			t.Errorf("boxes.fields[%d] still set after reset", i)
		}
	}
}

// checkBlocksZero fails unless every block of bl is free, empty and zero to its capacity.
func checkBlocksZero[T any](t *testing.T, name string, bl *blocks[T]) {
	t.Helper()
	if bl.cur != nil || len(bl.used) != 0 {
		t.Errorf("%s: a block still in use after reset (cur %d, used %d)", name, cap(bl.cur), len(bl.used))
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	for _, f := range bl.free {
		if len(f) != 0 {
			t.Errorf("%s: a free block of length %d", name, len(f))
		}
		full := f[:cap(f)]
		if len(full) == 0 {
			continue
		}
		raw := unsafe.Slice((*byte)(unsafe.Pointer(&full[0])), len(full)*size)
		if i := slices.IndexFunc(raw, func(c byte) bool { return c != 0 }); i >= 0 {
			t.Errorf("%s: a free block is not zero at byte %d of %d", name, i, len(raw))
			return
		}
	}
}

// poisonArenas takes the pooled arenas, fills their free bodies with '#' and puts them
// back: an execution that still read a released body would show it.
func poisonArenas() {
	as := drainArenas()
	for _, a := range as {
		for _, b := range a.free {
			b = b[:cap(b)]
			for i := range b {
				b[i] = '#'
			}
		}
	}
	for _, a := range as {
		arenas.Put(a)
	}
}

// TestMixedConcurrentRequestsKeepTheirOwnAnswers: requests with different answers,
// many at once, through gateways with and without the entity cache and inbound dedup,
// mixing subgraph errors, null propagation, invalid JSON, HTTP errors, escapes, duplicate
// keys, wide objects, chunked and huge bodies, timeouts before the headers and in the
// middle of a body, and clients that go away; the pooled arenas are poisoned all along.
// Each exact variant must get the answer it got alone; every answer must name no other
// request's token; the log must not change after the fact; and the pool must afterwards hold
// only released arenas, each at most once and none over 1 MiB.
func TestMixedConcurrentRequestsKeepTheirOwnAnswers(t *testing.T) {
	configs := map[string]func(*Config){
		"plain": nil,
		"entity cache": func(c *Config) {
			c.EntityCache = DefaultEntityCacheConfig()
			c.EntityCache.Types = map[string]time.Duration{"Item": time.Minute}
		},
		"dedup": func(c *Config) { c.Dedup = true },
		"cache and dedup": func(c *Config) {
			c.Dedup = true
			c.EntityCache = DefaultEntityCacheConfig()
			c.EntityCache.Types = map[string]time.Duration{"Item": time.Minute}
		},
	}
	for name, set := range configs {
		t.Run(name, func(t *testing.T) {
			gw, log := arenaGateway(t, set)
			variants := arenaMix(48)
			want := make([]string, len(variants))
			for i, rv := range variants {
				if !rv.exact {
					continue // timeouts and cancellations: checked under load only
				}
				status, body := arenaPost(context.Background(), gw, rv.v, rv.n)
				if status != http.StatusOK {
					t.Fatalf("%s alone: status %d: %.300s", rv.v, status, body)
				}
				if err := checkOwn(rv, body); err != nil {
					t.Fatalf("alone: %v", err)
				}
				want[i] = body
			}
			// The answers tell the modes apart (else the test would not see a mix-up).
			for _, m := range []string{`"must":"must-ok_`, `"message":"boom err_`, `"message":"no must for nul_`, `invalid JSON response`, `HTTP 500`, `"message":"bad gateway for`, `t\n\"\\éé😀-esc_`, `"message":"no nodes for perr_`} {
				if !slices.ContainsFunc(want, func(s string) bool { return strings.Contains(s, m) }) {
					t.Errorf("no answer holds %q: the mix does not do what it should", m)
				}
			}
			stop := make(chan struct{})
			var poisoner sync.WaitGroup
			poisoner.Go(func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Millisecond):
						poisonArenas()
					}
				}
			})
			var wg sync.WaitGroup
			var failures atomic.Int32
			for w := range 8 {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(w), 7))
					for range 40 {
						i := rng.IntN(len(variants))
						rv := variants[i]
						ctx := context.Background()
						if rv.cancel {
							c, cancel := context.WithTimeout(ctx, time.Duration(rng.IntN(3000))*time.Microsecond)
							defer cancel()
							ctx = c
						}
						status, body := arenaPost(ctx, gw, rv.v, rv.n)
						err := checkOwn(rv, body)
						if err == nil && rv.exact && body != want[i] {
							err = fmt.Errorf("%s under load (status %d):\n got %.400s\nwant %.400s", rv.v, status, body, want[i])
						}
						if err != nil && failures.Add(1) <= 5 {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			close(stop)
			poisoner.Wait()
			log.mu.Lock()
			for i, r := range log.records {
				if got := recordText(r); got != log.texts[i] {
					t.Errorf("log record %d changed after it was logged:\n got %.300s\nwant %.300s", i, got, log.texts[i])
				}
			}
			log.mu.Unlock()
			pooled := drainArenas()
			seen := map[*arena]bool{}
			for _, a := range pooled {
				if seen[a] {
					t.Errorf("the same arena is in the pool twice")
				}
				seen[a] = true
				checkReleased(t, a)
			}
			for _, a := range pooled {
				arenas.Put(a)
			}
		})
	}
}

// TestReturnedBodiesDoNotChange: the body an execution returns (before ServeHTTP hands
// its buffer back) must not change while later executions run, with or without dedup: it
// must hold nothing of the arena's.
func TestReturnedBodiesDoNotChange(t *testing.T) {
	for _, dedup := range []bool{false, true} {
		t.Run(fmt.Sprintf("dedup=%v", dedup), func(t *testing.T) {
			gw, _ := arenaGateway(t, func(c *Config) { c.Dedup = dedup })
			variants := arenaMix(32)
			variants = slices.DeleteFunc(variants, func(rv arenaVariant) bool { return !rv.exact }) // no timeouts: this test is about bodies
			type kept struct {
				v          string
				body, copy []byte
			}
			var mu sync.Mutex
			var all []kept
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for k := range 30 {
						rv := variants[(w*11+k*7)%len(variants)]
						raw, _ := json.Marshal(map[string]any{"query": arenaQuery, "variables": map[string]any{"v": rv.v, "n": rv.n}})
						req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
						req.Header.Set("Content-Type", "application/json")
						x, rerr := gw.admit(httptest.NewRecorder(), req)
						if rerr != nil {
							t.Errorf("admit: %v", rerr.errs)
							return
						}
						plan, err := gw.plan(x.st, x.planned)
						if err != nil {
							t.Error(err)
							return
						}
						body, _, _ := gw.respond(req.Context(), x, plan, false)
						if err := checkOwn(rv, string(body)); err != nil {
							t.Error(err)
						}
						mu.Lock()
						all = append(all, kept{rv.v, body, bytes.Clone(body)})
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			for _, k := range all {
				if !bytes.Equal(k.body, k.copy) {
					t.Errorf("the body returned for %s changed afterwards:\n got %.300s\nwant %.300s", k.v, k.body, k.copy)
				}
			}
		})
	}
}

// TestBlocksNeverHandOutARegionTwice: between two resets, no element of a block is
// handed out twice (carve's copies with their capacity, boxIn's values), whatever the order
// and sizes of the requests; a carved slice appended to up to its capacity overwrites no
// other; and after a reset every block is zero and the next cycle starts over.
func TestBlocksNeverHandOutARegionTwice(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var members blocks[tree.Field]
	var strs blocks[string]
	fieldSize := unsafe.Sizeof(tree.Field{})
	type region struct {
		lo, hi uintptr
		what   string
	}
	for cycle := range 40 {
		var regions []region
		type carvedSlice struct {
			s    []tree.Field
			want []string
		}
		var carved []carvedSlice
		type boxed struct {
			v    any
			want string
		}
		var boxedVals []boxed
		for op := range 300 {
			if rng.IntN(3) == 0 {
				want := fmt.Sprintf("s%d.%d", cycle, op)
				v := boxIn(&strs, want, stringType, &boxes{left: 16 * (1 + rng.IntN(40))}, 16)
				p := uintptr((*eface)(unsafe.Pointer(&v)).data)
				regions = append(regions, region{p, p + unsafe.Sizeof(""), "boxIn " + want})
				boxedVals = append(boxedVals, boxed{v, want})
				continue
			}
			k := rng.IntN(10)
			n := k + rng.IntN(8)
			if rng.IntN(25) == 0 {
				n = maxMemberBlock/4 + 1 + rng.IntN(10) // allocated alone
			}
			items := make([]tree.Field, k)
			want := make([]string, k)
			for i := range items {
				want[i] = fmt.Sprintf("f%d.%d.%d", cycle, op, i)
				items[i] = tree.Field{Key: want[i], Value: i}
			}
			out := carve(&members, items, n, 8+rng.IntN(64))
			if len(out) != k || cap(out) != n {
				t.Fatalf("carve(%d items, n=%d) has length %d, capacity %d", k, n, len(out), cap(out))
			}
			if n > 0 {
				p := uintptr(unsafe.Pointer(unsafe.SliceData(out)))
				regions = append(regions, region{p, p + uintptr(n)*fieldSize, fmt.Sprintf("carve %d.%d", cycle, op)})
			}
			carved = append(carved, carvedSlice{out, want})
		}
		slices.SortFunc(regions, func(a, b region) int { return int(a.lo) - int(b.lo) })
		for i := 1; i < len(regions); i++ {
			if regions[i].lo < regions[i-1].hi {
				t.Fatalf("cycle %d: %s and %s overlap", cycle, regions[i-1].what, regions[i].what)
			}
		}
		// Appending to each, up to its capacity, reaches no other.
		for i := range carved {
			c := &carved[i]
			for len(c.s) < cap(c.s) {
				c.want = append(c.want, fmt.Sprintf("grown%d.%d.%d", cycle, i, len(c.s)))
				c.s = append(c.s, tree.Field{Key: c.want[len(c.want)-1]})
			}
		}
		for i, c := range carved {
			for j, f := range c.s {
				if f.Key != c.want[j] {
					t.Fatalf("cycle %d: carved slice %d member %d is %q, want %q: another slice wrote over it", cycle, i, j, f.Key, c.want[j])
				}
			}
		}
		for _, b := range boxedVals {
			if got := b.v.(string); got != b.want {
				t.Fatalf("cycle %d: a boxed string reads %q, want %q", cycle, got, b.want)
			}
		}
		members.reset()
		strs.reset()
		checkBlocksZero(t, "members", &members)
		checkBlocksZero(t, "strings", &strs)
	}
}

// TestBestFit compares bestFit with its definition: the first item of the smallest
// size at least n, else the first of the largest; -1 for none.
func TestBestFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	id := func(s int) int { return s }
	for range 20000 {
		items := make([]int, rng.IntN(7))
		for i := range items {
			items[i] = rng.IntN(10)
		}
		n := rng.IntN(12)
		want := -1
		for i, s := range items { // the smallest at least n
			if s >= n && (want < 0 || s < items[want]) {
				want = i
			}
		}
		if want < 0 {
			for i, s := range items { // else the largest
				if want < 0 || s > items[want] {
					want = i
				}
			}
		}
		if got := bestFit(items, n, id); got != want {
			t.Fatalf("bestFit(%v, %d) = %d, want %d", items, n, got, want)
		}
	}
}

// TestResetDropsWhatValuesReferTo: once reset, the arena refers to nothing of the
// execution: not a body read without a length (not the arena's own), nor what a failed
// decode left on the decoder's stacks, nor objects merge, the walks or their targets kept.
func TestResetDropsWhatValuesReferTo(t *testing.T) {
	a := &arena{}
	weakBody, weakFailed, weakObj := func() (weak.Pointer[byte], weak.Pointer[byte], weak.Pointer[tree.Object]) {
		text := `{"data":{"x":"` + strings.Repeat("y", 8192) + `","l":[{"k":"v"},{"k":"w"}]}}`
		resp := &http.Response{ContentLength: -1, Body: io.NopCloser(strings.NewReader(text))}
		raw, err := a.readBody(resp, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		sub, err := parseResponse(raw, a.box(len(raw)))
		if err != nil {
			t.Fatal(err)
		}
		// A body that fails in the middle of nested arrays and objects: their items and
		// members are on the decoder's stacks when it gives up.
		failed := []byte(`{"a":[["` + strings.Repeat("z", 8192) + `",{"b":"c","d":[1,"e",`)
		if _, err := decodeIn(failed, a.box(len(failed))); err == nil {
			t.Fatal("the truncated body decoded")
		}
		obj := tree.New(tree.Field{Key: "k", Value: "v"})
		e := &execution{arena: a}
		e.add(sub.Data, []tree.Field{{Key: "kept", Value: obj}})
		a.found = append(a.found, partTarget{0, target{obj: obj}})
		carve(&a.targets, []target{{obj: obj}}, 1, 8)
		return weak.Make(&raw[0]), weak.Make(&failed[0]), weak.Make(obj)
	}()
	a.reset()
	runtime.GC()
	runtime.GC()
	if weakBody.Value() != nil {
		t.Error("after reset the arena still keeps a body read without a length alive")
	}
	if weakFailed.Value() != nil {
		t.Error("after reset the arena still keeps the body of a failed decode alive")
	}
	if weakObj.Value() != nil {
		t.Error("after reset the arena still keeps an object merge or a walk referred to alive")
	}
	runtime.KeepAlive(a)
}

// arenaBodies are subgraph bodies of several shapes and sizes, two of the same size.
func arenaBodies() [][]byte {
	mk := func(n, w int, seed string) []byte {
		var b strings.Builder
		b.WriteString(`{"data":{"_entities":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"__typename":"T","id":"%s%03d"`, seed, i)
			for k := range w {
				fmt.Fprintf(&b, `,"f%d":[%d,"s%d",{"a":1}]`, k, k, k)
			}
			b.WriteString(`}`)
		}
		b.WriteString(`]}}`)
		return []byte(b.String())
	}
	return [][]byte{mk(50, 3, "a"), mk(50, 3, "b"), mk(3, 30, "c"), mk(200, 1, "d"), mk(7, 7, "e")}
}

// TestIdenticalExecutionsDoNotGrowTheArena: an arena serving the same execution again
// and again (its fetches answering in any order, as those of a Parallel do) stops growing
// after the first few: docs/execution.md promises it does not grow.
func TestIdenticalExecutionsDoNotGrowTheArena(t *testing.T) {
	bodies := arenaBodies()
	for _, shuffle := range []bool{false, true} {
		a := &arena{}
		rng := rand.New(rand.NewPCG(1, 2))
		var sizes []int
		for range 300 {
			order := []int{0, 1, 2, 3, 4}
			if shuffle {
				rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			e := &execution{arena: a, data: &tree.Object{}}
			for _, i := range order {
				raw := a.body(len(bodies[i]))
				copy(raw, bodies[i])
				resp, err := parseResponse(raw, a.box(len(raw)))
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range resp.Data.Get("_entities").([]any) {
					e.add(x.(*tree.Object), []tree.Field{{Key: "m1", Value: 1}, {Key: "m2", Value: 2}})
				}
			}
			sizes = append(sizes, a.reset())
		}
		if last, early := sizes[len(sizes)-1], sizes[9]; last != early {
			t.Errorf("shuffled=%v: the arena held %d bytes after 10 identical executions, %d after %d", shuffle, early, last, len(sizes))
		}
	}
}

// TestReleaseKeepsNoArenaOverTheLimit: an arena that held more than maxArenaBytes is
// not put back in the pool; one under it, reset, is.
func TestReleaseKeepsNoArenaOverTheLimit(t *testing.T) {
	big := &arena{}
	big.body(maxArenaBytes + 1)
	big.release()
	pooled := drainArenas()
	for _, a := range pooled {
		if a == big {
			t.Error("an arena holding more than maxArenaBytes went back to the pool")
		}
		checkReleased(t, a)
	}
	for _, a := range pooled {
		arenas.Put(a)
	}
}

// TestPanicUnderTheLockDoesNotHangTheRequest: a Parallel waits for its children even
// when the last one panics (so that the arena is not in use when the panic leaves
// executePlan). If that child panics while it holds the execution's lock (representations
// and mergeHits run between a Lock and an Unlock that is not deferred), a sibling waiting for
// the lock never gets it, and the Parallel's deferred wg.Wait never returns: the panic never
// reaches net/http's recovery, and the request hangs for good (its goroutines leak).
// The panic here is forced with a malformed requirement; any bug under the lock would do.
func TestPanicUnderTheLockDoesNotHangTheRequest(t *testing.T) {
	gw, _ := arenaGateway(t, nil)
	item := tree.New(tree.Field{Key: "__typename", Value: "Item"}, tree.Field{Key: "id", Value: "x"})
	e := &execution{g: gw, st: gw.state.Load(), vars: map[string]any{"v": "pslow_tk9999z", "n": 1},
		data: tree.New(tree.Field{Key: "items", Value: []any{item}}), arena: &arena{}}
	slowRoot := &planner.Node{Kind: planner.KindFetch, Fetch: &planner.Fetch{Service: "products",
		Operation: `query($v:String!,$n:Int!){nodes(v:$v,n:$n){__typename id}}`, Variables: []string{"v", "n"}, Fields: []string{"nodes"}}}
	panicky := &planner.Node{Kind: planner.KindFlatten, Path: []string{"items", "@"}, Node: &planner.Node{Kind: planner.KindFetch,
		Fetch: &planner.Fetch{Service: "inventory", RepresentationsVariable: "representations", Requires: []*planner.Requirement{nil}}}}
	parallel := &planner.Node{Kind: planner.KindParallel, Nodes: []*planner.Node{slowRoot, panicky}}
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		e.run(context.Background(), parallel)
	}()
	select {
	case r := <-done:
		if r == nil {
			t.Fatal("the forced panic did not happen: the test does not test what it should")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a panic under the execution's lock hangs the Parallel: its deferred wg.Wait waits for a child blocked on the lock the panicking child never released (run.go: defer wg.Wait; entityParts: e.mu.Lock(); e.representations(parts); e.mu.Unlock())")
	}
}
