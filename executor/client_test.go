package executor_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor"
)

// TestHTTPClientDoesNotFollowRedirects: a subgraph's 302 comes back as it is; following it
// would send the POST's target a GET without the query.
func TestHTTPClientDoesNotFollowRedirects(t *testing.T) {
	followed := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed = true
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"{a}"}`))
	resp, err := executor.NewHTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || followed {
		t.Errorf("status %d, followed %v; want 302, not followed", resp.StatusCode, followed)
	}
}

// TestHTTPClientUserInfo: user info in a subgraph's URL is sent as Basic authorization, and
// an error names the request without the password.
func TestHTTPClientUserInfo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, _ := r.BasicAuth()
		io.WriteString(w, user+" "+password)
	}))
	defer srv.Close()
	withUser := strings.Replace(srv.URL, "http://", "http://ann:s3cret@", 1)
	req, _ := http.NewRequest(http.MethodPost, withUser+"/graphql", strings.NewReader(`{}`))
	resp, err := executor.NewHTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ann s3cret" || req.Header.Get("Authorization") != "" {
		t.Errorf("the server saw %q; the caller's request has Authorization %q", body, req.Header.Get("Authorization"))
	}

	srv.Close()
	req, _ = http.NewRequest(http.MethodPost, withUser+"/graphql", strings.NewReader(`{}`))
	_, err = executor.NewHTTPClient().Do(req)
	if err == nil || !strings.HasPrefix(err.Error(), `Post "http://ann:***@127.0.0.1:`) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v: want it to name the request, without the password", err)
	}
}

// TestHTTPClientNilURL: a request without a URL is an error, as with http.Client, not a panic.
func TestHTTPClientNilURL(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/graphql", strings.NewReader(`{}`))
	req.URL = nil
	if _, err := executor.NewHTTPClient().Do(req); err == nil {
		t.Error("a request without a URL was sent")
	}
}
