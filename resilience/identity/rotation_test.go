package identity

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRotationUnderLoad rotates both certificates about every second for about five seconds,
// root rotation included, while workers send requests over a pooled transport and a prober opens
// a fresh connection (a full mTLS handshake both ways) every 20 ms. No request may fail, and the
// pooled requests must share a handful of handshakes.
func TestRotationUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 6 s")
	}
	const workers = 8
	caDir := newCA(t, td)
	bundleFile := filepath.Join(caDir, BundleFile)
	sgDir, gwDir := t.TempDir(), t.TempDir()
	sgCert, sgKey := issueInto(t, caDir, productsID, sgDir)
	gwCert, gwKey := issueInto(t, caDir, gatewayID, gwDir)
	oldCert, oldKey := issue(t, caDir, productsID) // kept aside: signed by the first root
	logs, log := newLog()
	sgSrc := newTestSource(t, sgCert, sgKey, bundleFile, log)
	gwSrc := newTestSource(t, gwCert, gwKey, bundleFile, log)

	pooled := startServer(t, ServerConfig(sgSrc, AuthorizeGateways(td)))
	fresh := startServer(t, ServerConfig(sgSrc, AuthorizeGateways(td)))
	tr := NewTransport(gwSrc, productsID)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	var (
		ok, probes atomic.Int64
		failures   failureLog
		stop       = make(chan struct{})
		wg         sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if body, err := get(client, pooled.URL); err != nil || body != "ok" {
					failures.add("pooled", body, err)
				} else {
					ok.Add(1)
				}
			}
		})
	}
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			ptr := NewTransport(gwSrc, productsID)
			body, err := get(&http.Client{Transport: ptr, Timeout: 10 * time.Second}, fresh.URL)
			ptr.CloseIdleConnections()
			if err != nil || body != "ok" {
				failures.add("fresh connection", body, err)
			} else {
				probes.Add(1)
			}
		}
	})

	reissue := func() {
		issueInto(t, caDir, productsID, sgDir)
		issueInto(t, caDir, gatewayID, gwDir)
		sg, gw := readLeaf(t, sgCert).SerialNumber, readLeaf(t, gwCert).SerialNumber
		waitFor(t, "the reissued certificates to load", func() bool {
			return sgSrc.Certificate().SerialNumber.Cmp(sg) == 0 && gwSrc.Certificate().SerialNumber.Cmp(gw) == 0
		})
	}
	waitRoots := func(n int) {
		waitFor(t, fmt.Sprintf("a bundle of %d roots to load", n), func() bool {
			return len(sgSrc.Roots()) == n && len(gwSrc.Roots()) == n
		})
	}
	steps := []struct {
		name string
		do   func()
	}{
		{"reissue", reissue},
		{"RotateCA: the bundle holds both roots", func() {
			if err := RotateCA(caDir, 0); err != nil {
				t.Fatal(err)
			}
			waitRoots(2)
		}},
		{"reissue from the new root", reissue},
		{"RetireRoots: the bundle holds the new root", func() {
			if _, err := RetireRoots(caDir); err != nil {
				t.Fatal(err)
			}
			waitRoots(1)
		}},
		{"reissue", reissue},
	}

	start := time.Now()
	time.Sleep(time.Second)
	for _, step := range steps {
		before := probes.Load()
		step.do()
		time.Sleep(time.Second)
		if probes.Load() == before {
			t.Errorf("step %q: no fresh handshake succeeded after it", step.name)
		}
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)

	requests, handshakes := ok.Load(), pooled.handshakes.Load()
	t.Logf("%v: %d pooled requests over %d handshakes (%d over HTTP/2), %d fresh-connection requests, %d failed",
		elapsed.Round(time.Millisecond), requests, handshakes, pooled.http2.Load(), probes.Load(), failures.count())
	if n := failures.count(); n != 0 {
		t.Errorf("%d requests failed during rotation; first: %v", n, failures.first())
	}
	if requests < 100 {
		t.Errorf("only %d pooled requests: the load did not run", requests)
	}
	if handshakes < 1 || handshakes > workers || requests < 50*handshakes {
		t.Errorf("%d handshakes for %d pooled requests; want connections reused (at most %d)", handshakes, requests, workers)
	}
	if got := pooled.http2.Load(); got != pooled.calls.Load() {
		t.Errorf("%d of %d pooled requests over HTTP/2", got, pooled.calls.Load())
	}
	if got := logs.lines("identity: ", "refused", "reason="); len(got) != 0 {
		t.Errorf("handshakes refused during rotation:\n%v", got)
	}

	// The retired root is distrusted for new connections.
	old := startPlainServer(t, oldCert, oldKey)
	_, err := get(&http.Client{Transport: NewTransport(gwSrc, productsID)}, old.URL)
	if pe := (*PeerError)(nil); !errors.As(err, &pe) || pe.Reason != ReasonUnknownAuthority {
		t.Errorf("a certificate of the retired root: err = %v, want an unknown authority", err)
	}
}

// failureLog counts failed requests and keeps the first.
type failureLog struct {
	mu  sync.Mutex
	n   int
	err error
}

func (f *failureLog) add(what, body string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if f.err == nil {
		f.err = fmt.Errorf("%s: body %q: %w", what, body, err)
	}
}

func (f *failureLog) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func (f *failureLog) first() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
