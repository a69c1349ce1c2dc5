package resilience

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// BenchmarkRoundTrip measures what the layers add to a request: against a loopback server
// (bare http.Transport, the client without a Target, the client with a Target over 3
// endpoints), and against a transport that answers at once, where only the layers cost.
// "target" requests carry a deadline earlier than the service timeout, as the executor's
// do; "target-no-deadline" pays for the client's own deadline context and timer.
func BenchmarkRoundTrip(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"data":{}}`))
	}))
	defer srv.Close()
	eps := []Endpoint{{ID: "a", URL: srv.URL}, {ID: "b", URL: srv.URL + "/"}, {ID: "c", URL: srv.URL + "/graphql"}}
	transport := NewTransport(nil)
	defer transport.CloseIdleConnections()
	client := func(b *testing.B, rt http.RoundTripper) *Client {
		c, err := New(DefaultConfig(), staticResolver(eps), func(string) http.RoundTripper { return rt }, nil)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	bare := WithTarget(context.Background(), Target{Service: "s", Idempotent: true})
	target, cancel := context.WithTimeout(bare, 20*time.Second)
	defer cancel()
	run := func(b *testing.B, rt http.RoundTripper, ctx context.Context) {
		body := []byte(`{"query":"{ x }"}`)
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, bytes.NewReader(body))
			resp, err := rt.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	b.Run("loopback/bare", func(b *testing.B) { run(b, transport, context.Background()) })
	b.Run("loopback/shared", func(b *testing.B) { run(b, sharedTransport(), context.Background()) })
	b.Run("loopback/no-target", func(b *testing.B) { run(b, client(b, transport), context.Background()) })
	b.Run("loopback/target", func(b *testing.B) { run(b, client(b, transport), target) })
	b.Run("instant/bare", func(b *testing.B) { run(b, instant{}, context.Background()) })
	b.Run("instant/target", func(b *testing.B) { run(b, client(b, instant{}), target) })
	b.Run("instant/target-no-deadline", func(b *testing.B) { run(b, client(b, instant{}), bare) })
}

// BenchmarkRoundTripParallel is the layers under contention: every goroutine on one service.
func BenchmarkRoundTripParallel(b *testing.B) {
	eps := []Endpoint{{ID: "a", URL: "http://10.0.0.1/graphql"}, {ID: "b", URL: "http://10.0.0.2/graphql"}, {ID: "c", URL: "http://10.0.0.3/graphql"}}
	c, err := New(DefaultConfig(), staticResolver(eps), func(string) http.RoundTripper { return instant{} }, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(WithTarget(context.Background(), Target{Service: "s", Idempotent: true}), 20*time.Second)
	defer cancel()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://static/graphql", strings.NewReader("{}"))
			resp, err := c.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
}

type staticResolver []Endpoint

func (s staticResolver) Endpoints(string) []Endpoint { return s }

// instant answers 200 at once, without I/O.
type instant struct{}

func (instant) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}
