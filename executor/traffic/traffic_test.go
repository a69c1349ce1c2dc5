package traffic_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/executor/traffic"
)

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("served")) })

func serve(h http.Handler, method, ct string, headers ...string) *httptest.ResponseRecorder {
	target := "/graphql?query=%7Ba%7D"
	switch method {
	case "GET-page":
		method, target = "GET", "/graphql"
	case "GET-apq":
		method, target = "GET", "/graphql?extensions=%7B%22persistedQuery%22%3A%7B%7D%7D"
	}
	r := httptest.NewRequest(method, target, strings.NewReader(`{"query":"{a}"}`))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestCSRF(t *testing.T) {
	h := traffic.CSRF(traffic.DefaultCSRFConfig(), ok)
	tests := []struct {
		name, method, ct string
		headers          []string
		served           bool
	}{
		{"JSON POST", "POST", "application/json", nil, true},
		{"JSON POST with charset", "POST", "application/json; charset=utf-8", nil, true},
		{"GraphQL media type", "POST", "application/graphql-response+json", nil, true},
		{"text/plain POST (a form could send it)", "POST", "text/plain", nil, false},
		{"form POST", "POST", "application/x-www-form-urlencoded", nil, false},
		{"multipart POST", "POST", "multipart/form-data; boundary=x", nil, false},
		{"GET without header", "GET", "", nil, false},
		{"GET with Apollo-Require-Preflight", "GET", "", []string{"Apollo-Require-Preflight", "true"}, true},
		{"GET with X-Apollo-Operation-Name", "GET", "", []string{"X-Apollo-Operation-Name", "Q"}, true},
		{"text/plain with Trellis-Require-Preflight", "POST", "text/plain", []string{"Trellis-Require-Preflight", "1"}, true},
		{"malformed Content-Type", "POST", "a/b/c; =", nil, false},
		{"GET of a page (no operation)", "GET-page", "", nil, true},
		{"GET of a persisted query (extensions only)", "GET-apq", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, tt.method, tt.ct, tt.headers...)
			if served := w.Body.String() == "served"; served != tt.served {
				t.Fatalf("served = %v, want %v (%d %s)", served, tt.served, w.Code, w.Body)
			}
			if !tt.served && (w.Code != 400 || !strings.Contains(w.Body.String(), `"code":"CSRF_PREVENTED"`)) {
				t.Fatalf("refusal %d %s", w.Code, w.Body)
			}
		})
	}
	if w := serve(traffic.CSRF(traffic.CSRFConfig{Disabled: true}, ok), "GET", ""); w.Body.String() != "served" {
		t.Fatal("disabled CSRF prevention refused a request")
	}
}

func TestShed(t *testing.T) {
	release := make(chan struct{})
	var started sync.WaitGroup
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Done()
		<-release
		w.Write([]byte("served"))
	})
	h := traffic.Shed(traffic.ShedConfig{MaxConcurrent: 2, RetryAfter: 1500 * time.Millisecond}, slow)
	started.Add(2)
	var done sync.WaitGroup
	for range 2 {
		done.Go(func() { serve(h, "POST", "application/json") })
	}
	started.Wait()
	w := serve(h, "POST", "application/json")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "2" || !strings.Contains(w.Body.String(), "SERVICE_OVERLOADED") {
		t.Fatalf("over the cap: %d %v %s", w.Code, w.Header(), w.Body)
	}
	close(release)
	done.Wait()
	started.Add(1)
	if w := serve(h, "POST", "application/json"); w.Body.String() != "served" {
		t.Fatalf("after the load: %d %s", w.Code, w.Body)
	}
}

func TestCORS(t *testing.T) {
	cfg := traffic.DefaultCORSConfig()
	cfg.Origins = []string{"https://app.example.com"}
	cfg.AllowCredentials = true
	h := traffic.CORS(cfg, ok)
	pre := serve(h, "OPTIONS", "", "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST")
	if pre.Code != 204 || pre.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		pre.Header().Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(pre.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", pre.Code, pre.Header())
	}
	if w := serve(h, "POST", "application/json", "Origin", "https://app.example.com"); w.Header().Get("Access-Control-Expose-Headers") == "" || w.Body.String() != "served" {
		t.Fatalf("request: %v", w.Header())
	}
	if w := serve(h, "OPTIONS", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin allowed: %v", w.Header())
	}
	if err := (traffic.CORSConfig{Origins: []string{"*"}, AllowCredentials: true}).Validate(); err == nil {
		t.Fatal("wildcard with credentials accepted")
	}
	if err := (traffic.CORSConfig{Origins: []string{"app.example.com"}}).Validate(); err == nil || !strings.Contains(err.Error(), "cors.origins[0]") {
		t.Fatalf("origin without scheme: %v", err)
	}
	if w := serve(traffic.CORS(traffic.DefaultCORSConfig(), ok), "POST", "application/json", "Origin", "https://x"); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("CORS without origins set headers")
	}
}
