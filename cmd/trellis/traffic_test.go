package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTrafficRules: the traffic section wraps the routes: CSRF prevention on by default,
// CORS for the configured origins, /health never shed.
func TestTrafficRules(t *testing.T) {
	path := writeFile(t, t.TempDir(), "trellis.yaml", "traffic:\n  cors:\n    origins: [https://app.example.com]\n  max_concurrent: 5\n")
	file, err := readConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := file.traffic()
	if err != nil {
		t.Fatal(err)
	}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("served")) })
	h := rules.wrap(inner)
	do := func(method, target string, headers ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Set(headers[i], headers[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := do("GET", "/graphql?query=%7Ba%7D"); w.Code != 400 || !strings.Contains(w.Body.String(), "CSRF_PREVENTED") {
		t.Fatalf("GET operation without a preflight header: %d %s", w.Code, w.Body)
	}
	if w := do("GET", "/graphql?query=%7Ba%7D", "Apollo-Require-Preflight", "true"); w.Body.String() != "served" {
		t.Fatalf("GET with the header: %d %s", w.Code, w.Body)
	}
	if w := do("OPTIONS", "/graphql", "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST"); w.Code != 204 ||
		w.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("preflight: %d %v", w.Code, w.Header())
	}
	if w := do("GET", "/health"); w.Body.String() != "served" {
		t.Fatalf("/health: %d", w.Code)
	}
	for _, c := range []struct{ body, want string }{
		{"traffic:\n  max_concurrent: -1\n", "traffic.max_concurrent"},
		{"traffic:\n  cors:\n    origins: [app.example.com]\n", "cors.origins[0]"},
		{"traffic:\n  csrf:\n    disable: true\n", `unknown key "traffic.csrf.disable": did you mean "disabled"?`},
	} {
		path := writeFile(t, t.TempDir(), "trellis.yaml", c.body)
		file, err := readConfig(path)
		if err == nil {
			_, err = file.traffic()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.body, err, c.want)
		}
	}
}
