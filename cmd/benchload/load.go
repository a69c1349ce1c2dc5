package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// target is one request of a load and the exact answer it must get.
type target struct {
	url  string
	body []byte
	want []byte
	// canonWant is want re-encoded by canonicalJSON, for answers whose bytes
	// differ only in key order or spacing.
	canonWant []byte
}

func newTarget(url string, body, want []byte) (target, error) {
	canon, err := canonicalJSON(want)
	if err != nil {
		return target{}, fmt.Errorf("expected answer of %s: %w", url, err)
	}
	return target{url: url, body: body, want: want, canonWant: canon}, nil
}

// load is a closed loop: connections workers, each on its own connection,
// sending the targets in turn with no think time, first for warmup and then
// for the measured duration.
type load struct {
	targets          []target
	connections      int
	warmup, duration time.Duration
	// begin and end, if set, run when the measured window opens and closes,
	// to sample the servers' counters.
	begin, end func()
}

// stats is what a load measured. Only requests that completed inside the
// measured window count.
type stats struct {
	ok, failures int
	window       time.Duration
	latencies    []time.Duration // of the ok requests, sorted
	firstFailure string
}

func (s stats) rps() float64 { return float64(s.ok) / s.window.Seconds() }

// percentile returns the latency that q (0 < q <= 1) of the ok requests stay under.
func (s stats) percentile(q float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(s.latencies))+0.999999) - 1
	return s.latencies[min(max(i, 0), len(s.latencies)-1)]
}

func (l load) run(ctx context.Context) stats {
	from := time.Now().Add(l.warmup)
	to := from.Add(l.duration)
	ctx, cancel := context.WithDeadline(ctx, to)
	defer cancel()

	results := make([]stats, l.connections)
	var wg sync.WaitGroup
	for i := range l.connections {
		wg.Go(func() { results[i] = l.worker(ctx, i, from, to) })
	}
	if l.begin != nil {
		time.Sleep(time.Until(from))
		l.begin()
	}
	wg.Wait()
	if l.end != nil {
		l.end()
	}

	total := stats{window: l.duration}
	for _, r := range results {
		total.ok += r.ok
		total.failures += r.failures
		total.latencies = append(total.latencies, r.latencies...)
		if total.firstFailure == "" {
			total.firstFailure = r.firstFailure
		}
	}
	slices.Sort(total.latencies)
	return total
}

// worker sends requests until ctx ends, counting those that complete
// between from and to.
func (l load) worker(ctx context.Context, n int, from, to time.Time) stats {
	client := &http.Client{
		Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1, ReadBufferSize: 64 << 10},
		Timeout:   30 * time.Second,
	}
	defer client.CloseIdleConnections()
	var s stats
	var buf bytes.Buffer // reused: after the first answer, reading one allocates nothing
	for i := n; ctx.Err() == nil; i++ {
		t := &l.targets[i%len(l.targets)]
		start := time.Now()
		err := send(ctx, client, t, &buf)
		done := time.Now()
		if done.Before(from) || done.After(to) || ctx.Err() != nil {
			continue // warm-up, or cut short by the end of the window
		}
		if err != nil {
			s.failures++
			if s.firstFailure == "" {
				s.firstFailure = err.Error()
			}
			continue
		}
		s.ok++
		s.latencies = append(s.latencies, done.Sub(start))
	}
	return s
}

// send posts t and checks the answer: status 200 and a body equal to t.want,
// byte for byte or as canonical JSON. Anything else, a partial or wrong
// answer included, is an error.
func send(ctx context.Context, client *http.Client, t *target, buf *bytes.Buffer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(t.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body := buf.Bytes()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	if bytes.Equal(body, t.want) {
		return nil
	}
	if canon, err := canonicalJSON(body); err == nil && bytes.Equal(canon, t.canonWant) {
		return nil
	}
	return fmt.Errorf("wrong answer (%d bytes, want %d): %.200s", len(body), len(t.want), body)
}

// canonicalJSON re-encodes raw with object keys sorted, no spacing, and
// numbers as float64 write them (899.0 and 899 are the same).
func canonicalJSON(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w: %.200s", err, raw)
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON: %.200s", raw)
	}
	return json.Marshal(v)
}
