package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

func TestSetHeaders(t *testing.T) {
	cases := []struct {
		name string
		d    Decision
		want http.Header
	}{
		{"allowed", Decision{Allowed: true, Limit: 1000, Window: time.Minute, Remaining: 999.5, Reset: 30 * time.Millisecond},
			http.Header{"Ratelimit-Limit": {"1000"}, "Ratelimit-Remaining": {"999"}, "Ratelimit-Reset": {"1"}}},
		{"full", Decision{Allowed: true, Limit: 10.5, Window: time.Minute, Remaining: 10.5},
			http.Header{"Ratelimit-Limit": {"10"}, "Ratelimit-Remaining": {"10"}, "Ratelimit-Reset": {"0"}}},
		{"refused", Decision{Limit: 10, Window: time.Minute, Remaining: 0.2, Reset: time.Minute, RetryAfter: 2*time.Second + 1},
			http.Header{"Ratelimit-Limit": {"10"}, "Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"60"}, "Retry-After": {"3"}}},
		{"never", Decision{Never: true, Limit: 10, Window: time.Minute, Remaining: 10},
			http.Header{"Ratelimit-Limit": {"10"}, "Ratelimit-Remaining": {"10"}, "Ratelimit-Reset": {"0"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			tc.d.SetHeaders(h)
			if len(h) != len(tc.want) {
				t.Fatalf("headers %v, want %v", h, tc.want)
			}
			for k, v := range tc.want {
				if got := h.Values(k); len(got) != 1 || got[0] != v[0] {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
