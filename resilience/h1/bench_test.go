package h1

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRoundTrip compares this transport with net/http's on loopback: a 500-byte POST
// answered with 2 KB, 50 requests in flight (the load harness's concurrency). cpu-ns/op is
// the process's CPU per round trip, the test server's share included (the same for both).
func BenchmarkRoundTrip(b *testing.B) {
	answer := bytes.Repeat([]byte("a"), 2048)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write(answer)
	}))
	defer srv.Close()
	body := bytes.Repeat([]byte("q"), 500)
	std := &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true, WriteBufferSize: bufferSize, ReadBufferSize: bufferSize}
	defer std.CloseIdleConnections()
	for _, c := range []struct {
		name string
		rt   http.RoundTripper
	}{{"h1", New(Options{Fallback: std})}, {"net-http", std}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(25)
			b.ReportAllocs()
			start := cpu()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
					resp, err := c.rt.RoundTrip(req)
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if n != int64(len(answer)) {
						b.Errorf("%d bytes", n)
						return
					}
				}
			})
			b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
