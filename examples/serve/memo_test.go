package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trellis-gql/trellis/examples/all"
	"github.com/trellis-gql/trellis/examples/internal/server"
)

func TestServeMemoized(t *testing.T) {
	addrs := map[string]string{}
	for _, name := range all.Names() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs[name] = ln.Addr().String()
		ln.Close()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveMemoized(ctx, slog.New(slog.DiscardHandler), addrs) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serveMemoized: %v", err)
		}
	}()

	url := "http://" + addrs["accounts"]
	var answers []string
	for range 2 {
		answers = append(answers, postEventually(t, url+"/graphql", `{"query":"{users{id}}"}`))
	}
	if answers[0] != answers[1] || !strings.Contains(answers[0], `"users":[{"id":"1"}`) {
		t.Errorf("answers %q", answers)
	}
	resp, err := http.Get(url + "/memoized")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep server.MemoReport
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	want := server.MemoEntry{Method: "POST", URI: "/graphql", Body: `{"query":"{users{id}}"}`, Requests: 2}
	if rep.Requests != 2 || len(rep.Entries) != 1 || rep.Entries[0] != want {
		t.Errorf("report %+v, want the one request twice", rep)
	}
}

// postEventually posts body to url, retrying while the server starts.
func postEventually(t *testing.T, url, body string) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil && time.Now().Before(deadline) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(raw)
	}
}
