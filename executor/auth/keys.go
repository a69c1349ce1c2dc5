package auth

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// keySet is an immutable snapshot of all sources' keys.
type keySet struct {
	all  []key
	byID map[string][]key
}

func newKeySet(groups ...[]key) *keySet {
	s := &keySet{byID: map[string][]key{}}
	for _, g := range groups {
		for _, k := range g {
			s.all = append(s.all, k)
			if k.id != "" {
				s.byID[k.id] = append(s.byID[k.id], k)
			}
		}
	}
	return s
}

// candidates returns the keys that may verify a token with key id kid ("" when the token names
// none, in which case every key is a candidate), and whether kid is known.
func (s *keySet) candidates(kid string) ([]key, bool) {
	if kid == "" {
		return s.all, true
	}
	ks, ok := s.byID[kid]
	return ks, ok
}

// urlSource is a JWKS URL and the last keys fetched from it.
type urlSource struct {
	url    string
	issuer string
	keys   []key // guarded by keyStore.mu
}

// keyStore holds the keys of all sources. Lookups read an atomic snapshot and never block,
// except that an unknown key id may wait for one shared, rate-limited fetch of the URLs.
type keyStore struct {
	client       *http.Client
	log          *slog.Logger
	fetchTimeout time.Duration
	minRefetch   time.Duration
	now          func() time.Time
	fileKeys     []key // read once by New
	urls         []*urlSource
	set          atomic.Pointer[keySet]

	ctx    context.Context // ends at close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu          sync.Mutex
	inflight    chan struct{} // closed when the running fetch ends; nil when none runs
	lastRefetch time.Time     // start of the last fetch caused by an unknown key id
	closed      bool
}

func newKeyStore(cfg Config, client *http.Client, log *slog.Logger, now func() time.Time) (*keyStore, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &keyStore{
		client: client, log: log, now: now,
		fetchTimeout: cfg.FetchTimeout, minRefetch: cfg.MinRefetchInterval,
		ctx: ctx, cancel: cancel,
	}
	for i, src := range cfg.JWKS {
		if src.URL != "" {
			s.urls = append(s.urls, &urlSource{url: src.URL, issuer: src.Issuer})
			continue
		}
		keys, err := readJWKSFile(src.File, log)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("auth.jwks[%d]: %w", i, err)
		}
		s.fileKeys = append(s.fileKeys, withIssuer(keys, src.Issuer)...)
	}
	s.set.Store(newKeySet(s.fileKeys))
	if len(s.urls) > 0 {
		<-s.fetch() // a failure is logged; the refresh loop and unknown key ids retry
		s.wg.Go(func() { s.refreshEvery(cfg.Refresh) })
	}
	return s, nil
}

func readJWKSFile(path string, log *slog.Logger) ([]key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the JWKS file: %w", err)
	}
	defer f.Close()
	body, err := readBounded(f)
	if err != nil {
		return nil, fmt.Errorf("JWKS file %s: %w", path, err)
	}
	keys, err := parseJWKS(body, path, log)
	if err != nil {
		return nil, fmt.Errorf("JWKS file %s: %w", path, err)
	}
	return keys, nil
}

// readBounded reads r whole, refusing more than maxJWKSBytes.
func readBounded(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("over the limit of %d bytes", maxJWKSBytes)
	}
	return body, nil
}

// lookup returns the candidate keys for kid. An unknown kid triggers a fetch of the URL
// sources, at most once per minRefetch, shared by concurrent callers; ctx bounds the wait.
func (s *keyStore) lookup(ctx context.Context, kid string) ([]key, bool) {
	if ks, ok := s.set.Load().candidates(kid); ok {
		return ks, true
	}
	done := s.refetch()
	if done == nil {
		return nil, false
	}
	select {
	case <-done:
	case <-ctx.Done():
		return nil, false
	}
	return s.set.Load().candidates(kid)
}

// refetch starts or joins a fetch for an unknown key id; nil when rate-limited.
func (s *keyStore) refetch() <-chan struct{} {
	if len(s.urls) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight != nil {
		return s.inflight
	}
	now := s.now()
	if !s.lastRefetch.IsZero() && now.Sub(s.lastRefetch) < s.minRefetch {
		return nil
	}
	s.lastRefetch = now
	return s.startLocked()
}

// fetch starts or joins a fetch of all URL sources and returns a channel closed when it ends.
func (s *keyStore) fetch() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight != nil {
		return s.inflight
	}
	return s.startLocked()
}

func (s *keyStore) startLocked() chan struct{} {
	done := make(chan struct{})
	if s.closed {
		close(done)
		return done
	}
	s.inflight = done
	s.wg.Go(func() {
		s.fetchAll()
		s.mu.Lock()
		s.inflight = nil
		s.mu.Unlock()
		close(done)
	})
	return done
}

// fetchAll fetches every URL source in parallel; a source that fails keeps its last keys.
func (s *keyStore) fetchAll() {
	got := make([][]key, len(s.urls))
	var wg sync.WaitGroup
	for i, src := range s.urls {
		wg.Go(func() {
			keys, err := s.fetchURL(src.url)
			if err != nil {
				s.log.Warn("auth: JWKS fetch failed; keeping the last good keys",
					"jwks_url", redact(src.url), "error", err)
				return
			}
			got[i] = withIssuer(keys, src.issuer)
		})
	}
	wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := [][]key{s.fileKeys}
	for i, src := range s.urls {
		if got[i] != nil {
			src.keys = got[i]
		}
		groups = append(groups, src.keys)
	}
	s.set.Store(newKeySet(groups...))
}

func (s *keyStore) fetchURL(u string) ([]key, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // its message repeats the URL, which may hold credentials
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	body, err := readBounded(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	return parseJWKS(body, redact(u), s.log)
}

func (s *keyStore) refreshEvery(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			<-s.fetch()
		}
	}
}

// close stops the refresh loop and any fetch, and waits for them.
func (s *keyStore) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// redact hides a URL's password and query, which may hold credentials, from logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.RawQuery != "" {
		u.RawQuery = "redacted"
	}
	return u.Redacted()
}

// withIssuer ties keys to their source's issuer ("" for none).
func withIssuer(keys []key, issuer string) []key {
	for i := range keys {
		keys[i].issuer = issuer
	}
	return keys
}
