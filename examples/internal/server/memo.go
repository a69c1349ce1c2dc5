package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// MemoEntries is how many responses a Memo keeps per subgraph in the examples'
// benchmark mode. One benchmark operation makes a few dozen distinct subgraph
// requests, so this is ample; the bound only protects against a client that
// sends a new body every time.
const MemoEntries = 10_000

// maxMemoBody bounds the request body a Memo reads to build its key.
const maxMemoBody = 1 << 20

// Memo is the benchmark mode of the example subgraphs: it answers a request it
// has answered before (same method, path, query string and body) with the same
// bytes from memory, without running the subgraph, so that a load test measures
// the gateway and not gqlgen. Only 200 responses are kept, at most max of them;
// once full, new requests pass through uncached.
//
// It also counts the requests it serves, in total and per memoized response, so
// a load harness can learn which requests a gateway sends for one operation and
// replay them (Report). Memo is safe for concurrent use.
type Memo struct {
	next  http.Handler
	max   int
	total atomic.Int64

	mu      sync.RWMutex
	entries map[memoKey]*memoEntry
}

type memoKey struct{ method, uri, body string }

type memoEntry struct {
	contentType string
	length      string
	body        []byte
	requests    atomic.Int64
}

// Memoize returns a Memo in front of next keeping at most max responses.
func Memoize(next http.Handler, max int) *Memo {
	return &Memo{next: next, max: max, entries: make(map[memoKey]*memoEntry)}
}

func (m *Memo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.total.Add(1)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxMemoBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	key := memoKey{r.Method, r.URL.RequestURI(), string(body)}
	m.mu.RLock()
	e := m.entries[key]
	m.mu.RUnlock()
	if e == nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if e = m.fill(w, r, key); e == nil {
			return // answered, but not memoized
		}
	}
	e.requests.Add(1)
	h := w.Header()
	h.Set("Content-Type", e.contentType)
	h.Set("Content-Length", e.length) // not chunked: fewer writes for large answers
	w.Write(e.body)
}

// fill runs the subgraph for a request not seen before. It keeps a 200
// response and returns it for the caller to write; any other response it
// writes itself and returns nil.
func (m *Memo) fill(w http.ResponseWriter, r *http.Request, key memoKey) *memoEntry {
	rec := &recorder{header: make(http.Header), status: http.StatusOK}
	m.next.ServeHTTP(rec, r)
	if rec.status != http.StatusOK {
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
		return nil
	}
	body := rec.body.Bytes()
	fresh := &memoEntry{contentType: rec.header.Get("Content-Type"), length: strconv.Itoa(len(body)), body: body}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.entries[key]; e != nil {
		return e // a concurrent identical request got there first
	}
	if len(m.entries) < m.max {
		m.entries[key] = fresh
	}
	return fresh
}

// MemoReport is what Memo.ServeReport answers, as JSON.
type MemoReport struct {
	// Requests counts every request served, memoized or not.
	Requests int64 `json:"requests"`
	// Entries are the memoized requests, sorted by URI then body.
	Entries []MemoEntry `json:"entries"`
}

// MemoEntry is one memoized request and how often it was served.
type MemoEntry struct {
	Method   string `json:"method"`
	URI      string `json:"uri"`
	Body     string `json:"body"`
	Requests int64  `json:"requests"`
}

// Report returns the requests served so far.
func (m *Memo) Report() MemoReport {
	m.mu.RLock()
	entries := make([]MemoEntry, 0, len(m.entries))
	for k, e := range m.entries {
		entries = append(entries, MemoEntry{k.method, k.uri, k.body, e.requests.Load()})
	}
	m.mu.RUnlock()
	slices.SortFunc(entries, func(a, b MemoEntry) int {
		return cmp.Or(cmp.Compare(a.URI, b.URI), cmp.Compare(a.Body, b.Body), cmp.Compare(a.Method, b.Method))
	})
	// Read the total last: it is then at least the sum of the entries.
	return MemoReport{Requests: m.total.Load(), Entries: entries}
}

// ServeReport answers with Report as JSON.
func (m *Memo) ServeReport(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(m.Report())
}

// recorder is the http.ResponseWriter a Memo hands the subgraph on a miss.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	r.wrote = true
	return r.body.Write(p)
}
