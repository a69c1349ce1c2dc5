package playground_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor/playground"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

func get(t *testing.T, h http.Handler, method, target, accept string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// pageAssets are the asset paths the page links.
func pageAssets(t *testing.T, page string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`(?:href|src)="(/trellis/playground/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	if len(out) != 2 {
		t.Fatalf("page links %d assets, want a script and a stylesheet: %s", len(out), page)
	}
	return out
}

func TestPlaygroundPage(t *testing.T) {
	pg := playground.New(playground.DefaultConfig())
	for _, target := range []string{"/", "/graphql"} {
		t.Run(target, func(t *testing.T) {
			rec := get(t, pg, http.MethodGet, target, browserAccept)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			for k, want := range map[string]string{
				"Content-Type":  "text/html; charset=utf-8",
				"Cache-Control": "no-cache",
			} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			body := rec.Body.String()
			for _, want := range []string{`<div id="root" data-endpoint="/graphql" data-status="/trellis/status">`, "<title>Trellis playground</title>"} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %s:\n%s", want, body)
				}
			}
			if strings.Contains(body, "{{") || strings.Contains(body, "%APP_") {
				t.Errorf("page has unfilled placeholders:\n%s", body)
			}
		})
	}
}

func TestPlaygroundAssets(t *testing.T) {
	pg := playground.New(playground.DefaultConfig())
	page := get(t, pg, http.MethodGet, "/", browserAccept).Body.String()
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	for _, p := range pageAssets(t, page) {
		t.Run(p, func(t *testing.T) {
			rec := get(t, pg, http.MethodGet, p, "*/*")
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if got, want := rec.Header().Get("Content-Type"), types[path.Ext(p)]; got != want {
				t.Errorf("Content-Type %q, want %q", got, want)
			}
			if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", got)
			}
			want, err := os.ReadFile("dist/" + path.Base(p))
			if err != nil {
				t.Fatal(err)
			}
			if body, _ := io.ReadAll(rec.Body); string(body) != string(want) || len(want) < 1000 {
				t.Errorf("served %d bytes, dist has %d", len(body), len(want))
			}
		})
	}
}

// TestPlaygroundDistSelfContained: the bundle loads nothing from elsewhere (no CDN, no internet).
func TestPlaygroundDistSelfContained(t *testing.T) {
	remote := regexp.MustCompile(`(?i)(?:url\(\s*["']?|@import\s+["']|<script[^>]+src=["']|<link[^>]+href=["'])(?:https?:)?//`)
	err := fs.WalkDir(os.DirFS("dist"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile("dist/" + name)
		if err != nil {
			return err
		}
		if m := remote.Find(b); m != nil {
			t.Errorf("%s loads a remote resource: %s", name, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPlaygroundNotServed(t *testing.T) {
	pg := playground.New(playground.DefaultConfig())
	for _, tc := range []struct {
		method, target string
		want           int
	}{
		{http.MethodGet, "/trellis/playground/missing-AAAA.js", http.StatusNotFound},
		{http.MethodGet, "/trellis/playground/index.html", http.StatusNotFound},
		{http.MethodGet, "/trellis/playground/", http.StatusNotFound},
		{http.MethodGet, "/trellis/playground/../web/src/fetcher.js", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			if rec := get(t, pg, tc.method, tc.target, browserAccept); rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}

func TestPlaygroundConfig(t *testing.T) {
	pg := playground.New(playground.Config{Prefix: "/ui", Endpoint: "/api/graphql?x=\"1\"", Status: ""})
	body := get(t, pg, http.MethodGet, "/", browserAccept).Body.String()
	for _, want := range []string{`src="/ui/app-`, `data-endpoint="/api/graphql?x=&#34;1&#34;"`, `data-status=""`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s:\n%s", want, body)
		}
	}
}

func TestPlaygroundNavigation(t *testing.T) {
	for _, tc := range []struct {
		name, method, target, accept string
		want                         bool
	}{
		{"browser", http.MethodGet, "/graphql", browserAccept, true},
		{"head", http.MethodHead, "/graphql", "text/html", true},
		{"graphql get", http.MethodGet, "/graphql?query={__typename}", browserAccept, false},
		{"empty query param", http.MethodGet, "/graphql?query=", browserAccept, false},
		{"post", http.MethodPost, "/graphql", browserAccept, false},
		{"json client", http.MethodGet, "/graphql", "application/graphql-response+json, application/json", false},
		{"no accept", http.MethodGet, "/graphql", "", false},
		{"any", http.MethodGet, "/graphql", "*/*", false},
		{"html refused", http.MethodGet, "/graphql", "application/json, text/html;q=0", false},
		{"html refused 0.000", http.MethodGet, "/graphql", "text/html; q=0.000", false},
		{"html low", http.MethodGet, "/graphql", "application/json, TEXT/HTML;q=0.1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, nil)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			if got := playground.Navigation(req); got != tc.want {
				t.Fatalf("Navigation = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPlaygroundFront(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "api") })
	h := playground.New(playground.DefaultConfig()).Front(api)
	if body := get(t, h, http.MethodGet, "/graphql", browserAccept).Body.String(); !strings.Contains(body, "<title>Trellis playground</title>") {
		t.Errorf("navigation got %q", body)
	}
	if body := get(t, h, http.MethodGet, "/graphql?query={__typename}", browserAccept).Body.String(); body != "api" {
		t.Errorf("GraphQL GET got %q", body)
	}
	if body := get(t, h, http.MethodPost, "/graphql", "application/json").Body.String(); body != "api" {
		t.Errorf("POST got %q", body)
	}
}
