package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry/admin"
)

// cors posts the demo query from origin and returns the status and the CORS headers of the
// answer.
func (s *serving) cors(t *testing.T, origin string) (status int, allowOrigin, expose string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.addr+"/graphql", strings.NewReader(`{"query":"`+demoQuery+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", ""
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Access-Control-Expose-Headers")
}

// publishPolicyCLI runs `trellis registry policy publish` with doc and returns its result.
func publishPolicyCLI(t *testing.T, registryURL, doc string) (int, string, string) {
	t.Helper()
	file := writeTemp(t, t.TempDir(), "policy.yaml", doc)
	return cli(t, "registry", "policy", "publish", "--registry", registryURL, "--token", testAdminToken, "--file", file)
}

// TestServePolicyInProcess: with `serve --registry`, a published policy changes the gateway's
// answers without a restart; keys of the local file win over the policy's; a policy the
// registry's validator refuses is not stored; one that is valid alone but not with the local
// file is refused by the gateway, which keeps running with the policy before it.
func TestServePolicyInProcess(t *testing.T) {
	t.Setenv(envAdminToken, testAdminToken)
	subs := startExamples(t)
	local := writeTemp(t, t.TempDir(), "trellis.yaml", "traffic:\n  cors:\n    origins: [\"*\"]\n")
	s := startServe(t, "--registry", "--registry-store", filepath.Join(t.TempDir(), "trellis.db"), "--config", local)
	url := "http://" + s.addr
	publishExamples(t, admin.NewClient(url, testAdminToken, nil), subs)
	eventually(t, "the gateway serves", func() bool { code, _, _ := s.cors(t, "https://any.example"); return code == 200 })
	if !strings.Contains(s.logs.String(), "no registry policy: the local configuration only") {
		t.Fatalf("the start does not say there is no policy:\n%s", s.logs.String())
	}
	if _, allow, expose := s.cors(t, "https://any.example"); allow != "*" || !strings.HasPrefix(expose, "RateLimit-Limit") {
		t.Fatalf("before a policy: allow %q expose %q; want the file's * and the default expose list", allow, expose)
	}

	code, out, errOut := publishPolicyCLI(t, url, "traffic:\n  cors:\n    origins: [https://policy.example]\n    expose_headers: [X-From-Policy]\n")
	if code != 0 || !strings.HasPrefix(out, "published policy version 1 (sha256 ") {
		t.Fatalf("publish: exit %d\n%s%s", code, out, errOut)
	}
	eventually(t, "the policy reaches the gateway", func() bool { _, _, expose := s.cors(t, "https://any.example"); return expose == "X-From-Policy" })
	if _, allow, _ := s.cors(t, "https://any.example"); allow != "*" {
		t.Fatalf("the policy's origins replaced the file's: allow %q", allow)
	}
	if !strings.Contains(s.logs.String(), `msg="policy from the registry in effect" version=1 `) {
		t.Fatalf("no line saying policy version 1 is in effect:\n%s", s.logs.String())
	}

	code, out, errOut = publishPolicyCLI(t, url, "traffic: {}\nlisten: 0.0.0.0:80\n")
	if code != 1 || !strings.Contains(errOut, `policy:2:1: key "listen" is not traffic policy`) {
		t.Fatalf("an invalid policy: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = cli(t, "registry", "policy", "history", "--registry", url, "--token", testAdminToken)
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "1  ") {
		t.Fatalf("history after a refused policy: exit %d\n%s%s", code, out, errOut)
	}

	// Valid alone, but credentials with the file's origins "*" are not.
	if code, out, errOut := publishPolicyCLI(t, url, "traffic:\n  cors:\n    allow_credentials: true\n"); code != 0 {
		t.Fatalf("publish v2: exit %d\n%s%s", code, out, errOut)
	}
	refused := `msg="policy from the registry refused: keeping the running configuration" version=2 error="trellis.yaml with registry policy v2: cors.allow_credentials`
	eventually(t, "the gateway refuses v2", func() bool {
		return strings.Contains(s.logs.String(), strings.ReplaceAll(refused, "trellis.yaml", local))
	})
	if _, allow, expose := s.cors(t, "https://any.example"); allow != "*" || expose != "X-From-Policy" {
		t.Fatalf("after a refused policy: allow %q expose %q; want version 1 still in effect", allow, expose)
	}

	if code, out, errOut := publishPolicyCLI(t, url, "traffic:\n  cors:\n    expose_headers: [X-Three]\n"); code != 0 {
		t.Fatalf("publish v3: exit %d\n%s%s", code, out, errOut)
	}
	eventually(t, "version 3 reaches the gateway", func() bool { _, _, expose := s.cors(t, "https://any.example"); return expose == "X-Three" })
	code, out, errOut = cli(t, "registry", "policy", "show", "--registry", url, "--token", testAdminToken)
	if code != 0 || out != "traffic:\n  cors:\n    expose_headers: [X-Three]\n" || !strings.HasPrefix(errOut, "policy v3, ") {
		t.Fatalf("show: exit %d\n%s%s", code, out, errOut)
	}
}

// TestServeFollowsPolicy: a gateway following a remote registry starts with the policy
// published before it, and takes the next one without a restart.
func TestServeFollowsPolicy(t *testing.T) {
	t.Setenv(envAdminToken, testAdminToken)
	subs := startExamples(t)
	reg := startServe(t, "--registry", "--registry-store", filepath.Join(t.TempDir(), "trellis.db"))
	url := "http://" + reg.addr
	publishExamples(t, admin.NewClient(url, testAdminToken, nil), subs)
	if code, out, errOut := publishPolicyCLI(t, url, "traffic:\n  cors:\n    origins: [https://one.example]\n"); code != 0 {
		t.Fatalf("publish v1: exit %d\n%s%s", code, out, errOut)
	}
	gw := startServe(t, "--registry-url", url, "--registry-token", testAdminToken)
	eventually(t, "the gateway serves", func() bool { code, _, _ := gw.cors(t, "https://one.example"); return code == 200 })
	if _, allow, _ := gw.cors(t, "https://one.example"); allow != "https://one.example" {
		t.Fatalf("the policy published before the start is not in effect: allow %q\n%s", allow, gw.logs.String())
	}
	if !strings.Contains(gw.logs.String(), `msg="policy from the registry in effect" version=1 `) {
		t.Fatalf("no line saying policy version 1 is in effect:\n%s", gw.logs.String())
	}
	for v, origin := range []string{"https://two.example", "https://three.example"} {
		doc := fmt.Sprintf("traffic:\n  cors:\n    origins: [%s]\n", origin)
		if code, out, errOut := publishPolicyCLI(t, url, doc); code != 0 {
			t.Fatalf("publish v%d: exit %d\n%s%s", v+2, code, out, errOut)
		}
		eventually(t, "the policy reaches the follower", func() bool { _, allow, _ := gw.cors(t, origin); return allow == origin })
		if _, allow, _ := gw.cors(t, "https://one.example"); allow != "" {
			t.Fatalf("version %d: the first policy's origin is still allowed", v+2)
		}
	}
}
