package admin_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/trellis-gql/trellis/schema/registry/admin/admintest"
)

// lockedBuffer is a log destination for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInternalErrorsAreLoggedNotShown: an infrastructure failure (a composer's error or
// panic, a store that cannot be read) answers INTERNAL_SERVER_ERROR with a generic message
// and a request id; the details go to the log under that id, never to the caller, also when
// the caller is not authenticated yet.
func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	const secret = "secret-internal-detail: dial tcp 10.1.2.3:5432"
	opts := admintest.Options()
	opts.Compose = func(_ context.Context, subs []registry.Source) (string, []registry.Problem, error) {
		if strings.Contains(subs[0].SDL, "panic") {
			panic(secret)
		}
		return "", nil, errors.New(secret)
	}
	reg, err := registry.Open(ctx, filepath.Join(t.TempDir(), "r.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if _, _, err := reg.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	srv := httptest.NewServer(admin.New(reg, slog.New(slog.NewTextHandler(&logs, nil))))
	defer srv.Close()
	_, team, err := admin.NewClient(srv.URL, admintest.AdminToken, nil).CreateToken(ctx, "t", []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	idPattern := regexp.MustCompile(`request id ([0-9a-f]{16})`)
	expect := func(t *testing.T, status int, body string, wantStatus int) {
		t.Helper()
		m := idPattern.FindStringSubmatch(body)
		if status != wantStatus || m == nil || !strings.Contains(body, `"code":"INTERNAL_SERVER_ERROR"`) ||
			strings.Contains(body, "secret") || strings.Contains(body, "registry closed") || strings.Contains(body, "composing") {
			t.Fatalf("%d %s; want %d, INTERNAL_SERVER_ERROR with a request id and no details", status, body, wantStatus)
		}
		if line := logLine(logs.String(), m[1]); line == "" || !(strings.Contains(line, "secret-internal-detail") || strings.Contains(line, "registry closed")) {
			t.Fatalf("no log line with id %s and the details:\n%s", m[1], logs.String())
		}
	}
	t.Run("composer error", func(t *testing.T) {
		status, body := post(t, srv.URL, "Bearer "+team, `{"query":"{ check(input: {name: \"x\", sdl: \"type Query { a: Int }\"}) { breaking } }"}`)
		expect(t, status, body, http.StatusOK)
	})
	t.Run("composer panic", func(t *testing.T) {
		status, body := post(t, srv.URL, "Bearer "+team, `{"query":"{ check(input: {name: \"x\", sdl: \"type Query { panic: Int }\"}) { breaking } }"}`)
		expect(t, status, body, http.StatusOK)
	})
	t.Run("store closed, before authentication", func(t *testing.T) {
		reg.Close()
		status, body := post(t, srv.URL, "Bearer "+team, `{"query":"{ whoami { team } }"}`)
		expect(t, status, body, http.StatusInternalServerError)
	})
}

// logLine is the line of logs that names id.
func logLine(logs, id string) string {
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, id) {
			return l
		}
	}
	return ""
}
