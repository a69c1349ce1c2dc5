package executor_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/internal/subgraphtest"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

var update = flag.Bool("update", false, "rewrite golden files (plans, responses, request counts) from the current output")

// corpusDir holds the federation conformance corpus: one folder per case with the
// supergraph, each subgraph's SDL and data, and operations with their expected plan,
// response and per-subgraph request counts. See testdata/federation/README.md.
const corpusDir = "../testdata/federation"

func TestConformance(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(corpusDir, "*", "supergraph.graphql"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no conformance cases under %s", corpusDir)
	}
	for _, sgFile := range dirs {
		dir := filepath.Dir(sgFile)
		t.Run(filepath.Base(dir), func(t *testing.T) { runCase(t, dir) })
	}
}

// corpusCase is one case folder brought up: test subgraphs on httptest servers and a
// gateway on the case's supergraph pointed at them.
type corpusCase struct {
	dir       string
	subgraphs map[string]*subgraphtest.Subgraph
	sdl       string
	// configure, when set, adjusts the gateway for one operation and returns headers to send.
	configure func(t testing.TB, src string, cfg *executor.Config) http.Header
}

func startCase(t testing.TB, dir string) *corpusCase {
	sdl := readFile(t, filepath.Join(dir, "supergraph.graphql"))
	c := &corpusCase{dir: dir, subgraphs: map[string]*subgraphtest.Subgraph{}}
	graphRe := regexp.MustCompile(`name:\s*"([^"]+)",\s*url:\s*"[^"]*"`)
	sdl = graphRe.ReplaceAllStringFunc(sdl, func(m string) string {
		name := graphRe.FindStringSubmatch(m)[1]
		schemaFile := filepath.Join(dir, "subgraphs", name+".graphql")
		if _, err := os.Stat(schemaFile); err != nil {
			// A graph without files (e.g. one only named by @override) is not served.
			return fmt.Sprintf(`name: %q, url: "http://127.0.0.1:1/unreachable"`, name)
		}
		data, err := os.ReadFile(filepath.Join(dir, "subgraphs", name+".json"))
		if err != nil {
			data = []byte(`{}`)
		}
		sub, err := subgraphtest.New(name, readFile(t, schemaFile), data)
		if err != nil {
			t.Fatalf("subgraph %s: %v", name, err)
		}
		srv := httptest.NewServer(sub)
		t.Cleanup(srv.Close)
		c.subgraphs[name] = sub
		return fmt.Sprintf(`name: %q, url: %q`, name, srv.URL)
	})
	c.sdl = sdl
	return c
}

func runCase(t *testing.T, dir string) { runStartedCase(t, startCase(t, dir)) }

func runStartedCase(t *testing.T, c *corpusCase) {
	dir := c.dir
	ops, _ := filepath.Glob(filepath.Join(dir, "operations", "*.graphql"))
	for _, opFile := range ops {
		name := strings.TrimSuffix(filepath.Base(opFile), ".graphql")
		t.Run(name, func(t *testing.T) { c.runOperation(t, opFile) })
	}
	if len(ops) == 0 {
		t.Fatalf("%s has no operations", dir)
	}
}

// header reads "# key: value" lines at the top of an operation file.
func header(src, key string) string {
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func (c *corpusCase) runOperation(t *testing.T, opFile string) {
	src := readFile(t, opFile)
	base := strings.TrimSuffix(opFile, ".graphql")
	for _, s := range c.subgraphs {
		s.Reset()
	}
	plan, client := c.serve(t, src, false)
	golden(t, base+".plan", []byte(plan))
	goldenJSON(t, base+".response.json", client)
	golden(t, base+".requests", []byte(c.requestCounts()))
	// Tree plans (no batching, other waits) must give the very same response.
	if _, tree := c.serve(t, src, true); !*update {
		goldenJSON(t, base+".response.json", tree)
	}
}

// serve sends the operation in src through a fresh gateway on the case's supergraph and
// returns the plan text and the response without extensions.
func (c *corpusCase) serve(t *testing.T, src string, treePlans bool) (string, []byte) {
	sg, err := supergraph.Load(filepath.Join(c.dir, "supergraph.graphql"), c.sdl)
	if err != nil {
		t.Fatalf("load supergraph: %v", err)
	}
	cfg := executor.DefaultConfig()
	cfg.Dev = true
	cfg.TreePlans = treePlans
	if l := header(src, "labels"); l != "" {
		cfg.OverrideLabels = strings.Split(l, ",")
	}
	var extra http.Header
	if c.configure != nil {
		extra = c.configure(t, src, &cfg)
	}
	gw, err := executor.New(cfg, sg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	body := map[string]any{"query": src}
	if v := header(src, "variables"); v != "" {
		var vars map[string]any
		if err := json.Unmarshal([]byte(v), &vars); err != nil {
			t.Fatalf("variables header: %v", err)
		}
		body["variables"] = vars
	}
	if n := header(src, "operationName"); n != "" {
		body["operationName"] = n
	}
	raw, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(executor.HeaderIncludePlan, "true")
	for k, v := range extra {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var resp struct {
		Data       json.RawMessage `json:"data"`
		Errors     json.RawMessage `json:"errors,omitempty"`
		Extensions struct {
			QueryPlan struct {
				Text string `json:"text"`
			} `json:"queryPlan"`
		} `json:"extensions"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, rec.Body)
	}
	client, _ := json.Marshal(struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors,omitempty"`
	}{resp.Data, resp.Errors})
	return resp.Extensions.QueryPlan.Text, client
}

// requestCounts lists how many requests each subgraph received, one "name: n" per line.
func (c *corpusCase) requestCounts() string {
	var names []string
	for n := range c.subgraphs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s: %d\n", n, len(c.subgraphs[n].Requests()))
	}
	return b.String()
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file %s (run go test ./executor -run TestConformance -update, then check it by hand)", path)
	}
	if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(got)) {
		t.Errorf("%s differs.\n--- want\n%s\n--- got\n%s", filepath.Base(path), want, got)
	}
}

// goldenJSON compares JSON ignoring whitespace but not key order: the response must follow
// the client's selection order.
func goldenJSON(t *testing.T, path string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(path)
	if *update {
		if !sameJSON(want, got) { // keep a hand-written file whose content is right
			golden(t, path, indentJSON(t, got))
		}
		return
	}
	if err != nil {
		t.Fatalf("missing golden file %s: write the expected response by hand from the case's data", path)
	}
	var w, g bytes.Buffer
	if err := json.Compact(&w, want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	json.Compact(&g, got)
	if !bytes.Equal(w.Bytes(), g.Bytes()) {
		t.Errorf("%s differs.\n--- want\n%s\n--- got\n%s", filepath.Base(path), w.Bytes(), indentJSON(t, got))
	}
}

func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

func indentJSON(t testing.TB, raw []byte) []byte {
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		t.Fatalf("indent: %v", err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

func readFile(t testing.TB, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
