package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const answer = `{"data":{"a":1,"b":[true,null]}}`

func TestSendChecksTheAnswer(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   string // error substring, "" for success
	}{
		{"exact", 200, answer, ""},
		{"keys reordered and spaced", 200, `{"data": {"b": [true, null], "a": 1.0}}`, ""},
		{"partial", 200, answer[:20], "wrong answer"},
		{"wrong value", 200, `{"data":{"a":2,"b":[true,null]}}`, "wrong answer"},
		{"extra field", 200, `{"data":{"a":1,"b":[true,null]},"errors":[]}`, "wrong answer"},
		{"two values", 200, answer + answer, "wrong answer"},
		{"error status", 502, answer, "status 502"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				fmt.Fprint(w, c.body)
			}))
			defer srv.Close()
			tg, err := newTarget(srv.URL, []byte(`{}`), []byte(answer))
			if err != nil {
				t.Fatal(err)
			}
			err = send(context.Background(), srv.Client(), &tg, new(bytes.Buffer))
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("send = %v, want %q", err, c.want)
			}
		})
	}
}

func TestLoadCountsFailures(t *testing.T) {
	for _, c := range []struct {
		name  string
		body  string
		wrong bool
	}{{"right", answer, false}, {"wrong", `{"data":null}`, true}} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, c.body) }))
			defer srv.Close()
			tg, _ := newTarget(srv.URL, []byte(`{}`), []byte(answer))
			var began, ended time.Time
			l := load{targets: []target{tg}, connections: 4, warmup: 50 * time.Millisecond, duration: 200 * time.Millisecond,
				begin: func() { began = time.Now() }, end: func() { ended = time.Now() }}
			start := time.Now()
			st := l.run(context.Background())
			if d := began.Sub(start); d < 50*time.Millisecond || d > 100*time.Millisecond {
				t.Errorf("window opened after %v, want the 50ms warm-up", d)
			}
			if d := ended.Sub(start); d < 250*time.Millisecond || d > 350*time.Millisecond {
				t.Errorf("window closed after %v, want 50ms warm-up + 200ms", d)
			}
			ok, failed := st.ok, st.failures
			if c.wrong {
				ok, failed = failed, ok
			}
			if ok == 0 || failed != 0 || len(st.latencies) != st.ok {
				t.Errorf("%d ok, %d failures, %d latencies", st.ok, st.failures, len(st.latencies))
			}
			if c.wrong && !strings.Contains(st.firstFailure, "wrong answer") {
				t.Errorf("first failure %q", st.firstFailure)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	var s stats
	for i := 1; i <= 200; i++ {
		s.latencies = append(s.latencies, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 100 * time.Millisecond, 0.9: 180 * time.Millisecond, 0.99: 198 * time.Millisecond, 1: 200 * time.Millisecond} {
		if got := s.percentile(q); got != want {
			t.Errorf("p%v = %v, want %v", q*100, got, want)
		}
	}
	if got := (stats{}).percentile(0.5); got != 0 {
		t.Errorf("percentile of nothing = %v", got)
	}
}
