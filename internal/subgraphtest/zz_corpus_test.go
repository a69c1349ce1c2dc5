package subgraphtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestZZCorpus(t *testing.T) {
	s, _ := New("shop", shopSDL, []byte(shopData))
	files, _ := filepath.Glob("/root/.cache/go-build/fuzz/github.com/trellis-gql/trellis/internal/subgraphtest/FuzzRequest/*")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		lines := strings.Split(string(raw), "\n")
		q, _ := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "string("), ")"))
		v, _ := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[2], "string("), ")"))
		done := make(chan bool)
		go func() {
			body := map[string]any{"query": q}
			if json.Valid([]byte(v)) {
				body["variables"] = json.RawMessage(v)
			}
			b, _ := json.Marshal(body)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(b)))
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("slow: %q %q", q, v)
		}
	}
}
