package playground

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// dist is the output of make playground: index.html, a template of the page, and its assets,
// whose names carry a content hash.
//
//go:embed dist
var dist embed.FS

var (
	assets   = must(fs.Sub(dist, "dist"))
	pageTmpl = template.Must(template.ParseFS(assets, "index.html"))
)

// Config says where the page finds its assets and the gateway. The caller picks the paths,
// and routes each of them to the right handler.
type Config struct {
	// Prefix is the path the assets are served under; it ends with a slash. The caller routes
	// it to the Playground.
	Prefix string
	// Endpoint is the GraphQL endpoint the page posts operations to.
	Endpoint string
	// Status is the subgraph status the panel polls (GET, the JSON of cmd/trellis's
	// /trellis/status); empty hides that part of the panel.
	Status string
}

// DefaultConfig is the gateway's layout: the assets under /trellis/playground/, operations to
// /graphql, the status from /trellis/status.
func DefaultConfig() Config {
	return Config{Prefix: "/trellis/playground/", Endpoint: "/graphql", Status: "/trellis/status"}
}

// Playground serves the page and its assets. It is safe for concurrent use.
type Playground struct {
	prefix string
	page   []byte
}

var _ http.Handler = (*Playground)(nil)

// New renders the page for cfg. A Prefix without its final slash gets one.
func New(cfg Config) *Playground {
	if !strings.HasSuffix(cfg.Prefix, "/") {
		cfg.Prefix += "/"
	}
	var b bytes.Buffer
	// The template is embedded and tested, and cfg holds only strings: it cannot fail.
	must(0, pageTmpl.Execute(&b, cfg))
	return &Playground{prefix: cfg.Prefix, page: b.Bytes()}
}

// ServeHTTP answers GET and HEAD: with an asset for a path under the prefix, with the page for
// any other path (the caller routes only the paths where the page belongs).
func (p *Playground) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if name, ok := strings.CutPrefix(r.URL.Path, p.prefix); ok {
		p.serveAsset(w, r, name)
		return
	}
	p.servePage(w, r)
}

// Front returns a handler that answers a browser navigation (see Navigation) with the page
// and passes every other request to api.
func (p *Playground) Front(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Navigation(r) {
			p.servePage(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// Navigation reports whether r is a browser loading a page rather than a GraphQL client: a
// GET or HEAD without a query parameter whose Accept header asks for text/html. A GraphQL GET
// always carries query, and GraphQL clients ask for JSON.
func Navigation(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.URL.Query().Has("query") {
		return false
	}
	return acceptsHTML(strings.Join(r.Header.Values("Accept"), ","))
}

// acceptsHTML reports whether an Accept header value names text/html with a non-zero quality.
func acceptsHTML(accept string) bool {
	for rng := range strings.SplitSeq(accept, ",") {
		typ, params, _ := strings.Cut(rng, ";")
		if !strings.EqualFold(strings.TrimSpace(typ), "text/html") {
			continue
		}
		zero := false
		for param := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(param, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				v = strings.TrimRight(strings.TrimSpace(v), "0")
				zero = v == "" || v == "0." || v == "0"
			}
		}
		if !zero {
			return true
		}
	}
	return false
}

// pagePolicy keeps the page to its own origin: the assets, the endpoint and the status all
// come from the gateway, fonts and icons are inlined, and nothing else may load. GraphiQL's
// editors set inline styles.
const pagePolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (p *Playground) servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache") // small, and names the assets of this build
	h.Set("Content-Security-Policy", pagePolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Add("Vary", "Accept") // /graphql answers JSON or this page depending on Accept
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(p.page))
}

// contentTypes are the types of the files in dist, whatever the host's MIME tables say.
var contentTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".ttf":   "font/ttf",
	".svg":   "image/svg+xml",
}

func (p *Playground) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	typ, known := contentTypes[path.Ext(name)]
	if !known || !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(assets, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	// The name carries a hash of the content: a new build has new names.
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic("playground: " + err.Error())
	}
	return v
}
