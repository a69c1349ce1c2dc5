package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/executor/cost"
	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// playgroundServer runs the example subgraphs in process and a gateway on them, with cost
// analysis measuring, behind routes on an httptest server on 127.0.0.1. resilient puts the
// resilience client (breakers) between them, so that /trellis/status lists instances.
func playgroundServer(t *testing.T, dev, resilient bool) (*httptest.Server, *all.Subgraphs) {
	t.Helper()
	subs, err := all.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { subs.Close() })
	sg, err := supergraph.Load("examples/supergraph.graphql", subs.Supergraph())
	if err != nil {
		t.Fatal(err)
	}
	cfg := executor.DefaultConfig()
	cfg.Dev = dev
	cfg.Cost.Mode = cost.ModeMeasure
	cfg.Cost.MaxCost = 1e9
	var client executor.Doer
	st := &status{}
	if resilient {
		rc, err := resilience.New(resilience.DefaultConfig(), nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(rc.Close)
		client, st.client = rc, rc
	}
	gw, err := executor.New(cfg, sg, client, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	srv := httptest.NewServer(routes(gw, dev, st))
	t.Cleanup(srv.Close)
	return srv, subs
}

// TestPlaygroundRoutes: in dev mode a browser opening /graphql or / gets the page, while
// GraphQL requests, GETs with ?query= included, still reach the gateway; without dev there is
// no page and no asset.
func TestPlaygroundRoutes(t *testing.T) {
	dev, _ := playgroundServer(t, true, false)
	prod, _ := playgroundServer(t, false, false)
	page := fetch(t, http.MethodGet, dev.URL+"/", browserAccept, "")
	script := regexp.MustCompile(`src="(/trellis/playground/app-[^"]+\.js)"`).FindStringSubmatch(page.body)
	if script == nil {
		t.Fatalf("page has no script: %s", page.body)
	}
	const (
		html = "text/html; charset=utf-8"
		js   = "text/javascript; charset=utf-8"
	)
	query := "/graphql?query=" + strings.ReplaceAll("{ topProducts { name } }", " ", "%20")
	for _, tc := range []struct {
		name             string
		srv              *httptest.Server
		method, target   string
		accept, body     string
		wantCode         int
		wantType, wantIn string
	}{
		{"dev browser /graphql", dev, http.MethodGet, "/graphql", browserAccept, "", 200, html, "<title>Trellis playground</title>"},
		{"dev browser /", dev, http.MethodGet, "/", browserAccept, "", 200, html, "<title>Trellis playground</title>"},
		{"dev asset", dev, http.MethodGet, script[1], "*/*", "", 200, js, "GraphiQL"},
		{"dev GraphQL GET from a browser", dev, http.MethodGet, query, browserAccept, "", 200, "application/graphql-response+json", `{"data":{"topProducts":[{"name":"Table"}`},
		{"dev GraphQL GET", dev, http.MethodGet, query, "application/graphql-response+json", "", 200, "application/graphql-response+json", `{"data":{"topProducts":[{"name":"Table"}`},
		{"dev GraphQL POST", dev, http.MethodPost, "/graphql", "application/json", `{"query":"{ topProducts { name } }"}`, 200, "application/json", `{"data":{"topProducts":[{"name":"Table"}`},
		{"dev GET without query from a client", dev, http.MethodGet, "/graphql", "application/json", "", 400, "application/json", `"errors"`},
		{"prod browser /graphql", prod, http.MethodGet, "/graphql", browserAccept, "", 400, "application/graphql-response+json", `"errors"`},
		{"prod browser /", prod, http.MethodGet, "/", browserAccept, "", 404, "", ""},
		{"prod asset", prod, http.MethodGet, script[1], "*/*", "", 404, "", ""},
		{"prod GraphQL GET", prod, http.MethodGet, query, browserAccept, "", 200, "application/graphql-response+json", `{"data":{"topProducts":[{"name":"Table"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fetch(t, tc.method, tc.srv.URL+tc.target, tc.accept, tc.body)
			if got.code != tc.wantCode {
				t.Fatalf("status %d, want %d: %.300s", got.code, tc.wantCode, got.body)
			}
			if tc.wantType != "" && !strings.HasPrefix(got.typ, tc.wantType) {
				t.Errorf("Content-Type %q, want %q", got.typ, tc.wantType)
			}
			if !strings.Contains(got.body, tc.wantIn) {
				t.Errorf("body lacks %q: %.300s", tc.wantIn, got.body)
			}
			if tc.wantType != html && strings.Contains(got.body, "Trellis playground") {
				t.Errorf("the page where it does not belong: %.300s", got.body)
			}
		})
	}
}

type fetched struct {
	code      int
	typ, body string
}

func fetch(t *testing.T, method, url, accept, body string) fetched {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fetched{resp.StatusCode, resp.Header.Get("Content-Type"), string(b)}
}

// TestPlaygroundBrowser opens the playground in headless Chromium, runs an operation, and
// checks the result, the plan, the cost and the subgraph panel. It saves a screenshot to
// $TRELLIS_ARTIFACTS (or the test's temporary directory) and logs its path.
func TestPlaygroundBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v (.ci/run installs Debian's chromium)", chromiumPath, err)
		}
		t.Skipf("no browser: %v (apt-get install chromium)", err)
	}
	srv, subs := playgroundServer(t, true, true)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // root in CI
		chromedp.WindowSize(1440, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	problems := watchConsole(bctx)

	// The steps get less than the whole budget, to leave time for a screenshot of a failure.
	sctx, cancelSteps := context.WithTimeout(bctx, 45*time.Second)
	defer cancelSteps()
	stepErr := playgroundSteps(sctx, t, srv.URL, subs)
	shot, shotErr := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if shotErr == nil {
		t.Log("screenshot:", saveArtifact(t, "playground.png", shot))
	} else {
		t.Errorf("screenshot: %v", shotErr)
	}
	if stepErr != nil {
		t.Fatal(stepErr)
	}
	cancelTab()
	if p := problems(); len(p) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(p, "\n"))
	}
}

// playgroundSteps is what a person does: open /graphql, write an operation, run it, read the
// result and the panel.
func playgroundSteps(ctx context.Context, t *testing.T, base string, subs *all.Subgraphs) error {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+"/graphql"))
	if err != nil {
		return fmt.Errorf("open /graphql: %w", err)
	}
	if resp.Status != http.StatusOK || resp.MimeType != "text/html" {
		return fmt.Errorf("open /graphql: %d %s", resp.Status, resp.MimeType)
	}
	const op = "{ topProducts { name reviews { body } } }"
	setQuery := fmt.Sprintf(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(%q)`, op)
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
		chromedp.Evaluate[chromedp.Void](setQuery),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
	); err != nil {
		return fmt.Errorf("run the operation: %w", err)
	}

	result, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		const v = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() || '';
		return v.includes('Table') ? v : '';
	})()`))
	if err != nil {
		return fmt.Errorf("result pane: %w", err)
	}
	var res struct {
		Data struct {
			TopProducts []struct {
				Name    string
				Reviews []struct{ Body string }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal([]byte(result), &res); err != nil {
		return fmt.Errorf("result pane: %w: %s", err, result)
	}
	if len(res.Errors) > 0 || len(res.Data.TopProducts) == 0 || res.Data.TopProducts[0].Name != "Table" || len(res.Data.TopProducts[0].Reviews) == 0 {
		return fmt.Errorf("result pane: %s", result)
	}

	plan, err := chromedp.Run(ctx, chromedp.Poll[string](`document.querySelector('#trellis-plan pre')?.textContent || ''`))
	if err != nil {
		return fmt.Errorf("plan panel: %w", err)
	}
	for _, want := range []string{"QueryPlan {", `Fetch(service: "products")`, `Fetch(service: "reviews")`} {
		if !strings.Contains(plan, want) {
			return fmt.Errorf("plan panel lacks %s:\n%s", want, plan)
		}
	}
	t.Logf("plan panel:\n%s", plan)

	number := regexp.MustCompile(`^[0-9][0-9,]*(\.[0-9]+)?$`)
	for _, figure := range []string{"estimated", "actual"} {
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#trellis-cost [data-cost="`+figure+`"]`)))
		if err != nil {
			return fmt.Errorf("cost panel, %s: %w", figure, err)
		}
		if !number.MatchString(strings.TrimSpace(v)) {
			return fmt.Errorf("cost panel, %s: %q is no number", figure, v)
		}
		t.Logf("cost %s: %s", figure, v)
	}

	// The operation called products and reviews through the resilience client: the panel's
	// next poll shows each with its instance and a closed breaker. The other two have not
	// been called, so the panel shows their routing URL.
	type shown struct {
		Name    string `json:"name"`
		URL     string `json:"url"`
		Breaker string `json:"breaker"`
	}
	got, err := chromedp.Run(ctx, chromedp.Poll[[]shown](`(() => {
		const items = [...document.querySelectorAll('#trellis-subgraphs [data-subgraph]')];
		const rows = items.map(e => ({
			name: e.dataset.subgraph,
			url: (e.querySelector('.trellis-routing-url') || e.querySelector('.trellis-instance-name'))?.textContent || '',
			breaker: e.querySelector('.trellis-breaker')?.textContent || '',
		}));
		return rows.length === 4 && rows.filter(r => r.breaker).length === 2 && rows;
	})()`, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		return fmt.Errorf("subgraph panel: %w", err)
	}
	var want []shown
	for _, name := range all.Names() {
		breaker := ""
		if name == "products" || name == "reviews" {
			breaker = "closed"
		}
		want = append(want, shown{name, subs.URL(name), breaker})
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("subgraph panel shows %v, want %v", got, want)
	}
	return nil
}

// watchConsole collects the errors and exceptions the page logs until ctx ends; the func it
// returns waits for that and returns them.
func watchConsole(ctx context.Context) func() []string {
	var (
		mu       sync.Mutex
		problems []string
		done     = make(chan struct{})
	)
	messages := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
					mu.Lock()
					problems = append(problems, "console: "+err.Error())
					mu.Unlock()
				}
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return problems
	}
}

// saveArtifact writes a test artifact to $TRELLIS_ARTIFACTS, or to the test's temporary
// directory, and returns its path.
func saveArtifact(t *testing.T, name string, b []byte) string {
	t.Helper()
	dir := os.Getenv("TRELLIS_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("artifact %s: %v", name, err)
		return ""
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Errorf("artifact %s: %v", name, err)
	}
	return path
}
