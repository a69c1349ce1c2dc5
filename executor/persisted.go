package executor

import (
	"crypto/sha256"

	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

// PersistedQueriesConfig configures automatic persisted queries (APQ, the protocol of Apollo
// clients) and the trusted-documents mode.
type PersistedQueriesConfig struct {
	// APQ lets clients register a query by its SHA-256 and then send only the hash.
	APQ bool
	// APQCacheBytes bounds the registered queries kept in memory, by the size of their text.
	APQCacheBytes int64
	// Trusted, when not nil, is the manifest of trusted documents by SHA-256 hex: only these
	// operations run, sent by hash or as their exact text; APQ registration is off.
	Trusted map[string]string
}

// DefaultPersistedQueriesConfig turns APQ on with a 16 MiB store.
func DefaultPersistedQueriesConfig() PersistedQueriesConfig {
	return PersistedQueriesConfig{APQ: true, APQCacheBytes: 16 << 20}
}

// Validate checks the store size and that each manifest entry's hash matches its text.
func (c PersistedQueriesConfig) Validate() error {
	if c.APQ && c.APQCacheBytes <= 0 {
		return errors.New("persisted_queries.apq_cache_bytes: must be positive when APQ is on, e.g. 16777216")
	}
	for h, body := range c.Trusted {
		if sum := sha256Hex(body); sum != strings.ToLower(h) {
			return fmt.Errorf("persisted_queries.trusted_documents: the document listed as %s has SHA-256 %s; regenerate the manifest", h, sum)
		}
	}
	return nil
}

// Error codes of the persisted-query protocol, as Apollo clients expect them.
const (
	CodePersistedNotFound     = "PERSISTED_QUERY_NOT_FOUND"
	CodePersistedNotSupported = "PERSISTED_QUERY_NOT_SUPPORTED"
	CodePersistedNotInList    = "PERSISTED_QUERY_NOT_IN_LIST"
	CodePersistedHashMismatch = "PERSISTED_QUERY_HASH_MISMATCH"
)

// persisted resolves the query text of requests that send a hash.
type persisted struct {
	cfg     PersistedQueriesConfig
	trusted map[string]string // by lower-case hash
	apq     *cache[string]
}

func newPersisted(cfg PersistedQueriesConfig, counters *cacheCounters) (*persisted, error) {
	p := &persisted{cfg: cfg}
	if cfg.Trusted != nil {
		p.trusted = make(map[string]string, len(cfg.Trusted))
		for h, body := range cfg.Trusted {
			p.trusted[strings.ToLower(h)] = body
		}
		return p, nil
	}
	if cfg.APQ {
		var err error
		if p.apq, err = newCache[string](max(cfg.APQCacheBytes/100, 1000), cfg.APQCacheBytes, counters); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *persisted) close() {
	if p.apq != nil {
		p.apq.Close()
	}
}

// resolve fills req.Query from the hash the request sends, or refuses the request. register
// is set when the request registers a new APQ query: store it once it has validated.
func (p *persisted) resolve(req *graphqlhttp.Request) (hash string, register bool, rerr *requestError) {
	hash, version, sent := persistedHash(req.Extensions)
	if p.trusted != nil {
		return "", false, p.trustedQuery(req, hash, sent)
	}
	if !sent {
		return "", false, nil
	}
	switch {
	case !p.cfg.APQ:
		return "", false, persistedError(http.StatusBadRequest, CodePersistedNotSupported, "PersistedQueryNotSupported")
	case version != "1":
		return "", false, persistedError(http.StatusBadRequest, CodeBadRequest, "unsupported persisted query version: send extensions.persistedQuery.version 1")
	case hash == "":
		return "", false, persistedError(http.StatusBadRequest, CodeBadRequest, "extensions.persistedQuery.sha256Hash must be the query's SHA-256 in hex")
	case req.Query != "":
		if sha256Hex(req.Query) != hash {
			return "", false, persistedError(http.StatusBadRequest, CodePersistedHashMismatch, "provided sha does not match query")
		}
		return hash, true, nil
	}
	q, ok := p.apq.Get(hash)
	if !ok {
		// 200 under both media types: the client's answer is to send the query, not to fail.
		return "", false, persistedError(http.StatusOK, CodePersistedNotFound, "PersistedQueryNotFound")
	}
	req.Query = q
	return hash, false, nil
}

// store registers an APQ query that parsed and validated.
func (p *persisted) store(hash, query string) {
	if p.apq != nil {
		p.apq.Set(hash, query, int64(len(query))+64)
	}
}

func (p *persisted) trustedQuery(req *graphqlhttp.Request, hash string, sent bool) *requestError {
	if sent {
		q, ok := p.trusted[hash]
		if !ok {
			return persistedError(http.StatusBadRequest, CodePersistedNotInList, "PersistedQueryNotInList: the operation is not in the trusted documents")
		}
		if req.Query != "" && req.Query != q {
			return persistedError(http.StatusBadRequest, CodePersistedHashMismatch, "provided sha does not match query")
		}
		req.Query = q
		return nil
	}
	if req.Query == "" {
		return nil // prepare reports the missing query
	}
	if _, ok := p.trusted[sha256Hex(req.Query)]; !ok {
		return persistedError(http.StatusBadRequest, CodePersistedNotInList,
			"this gateway runs only trusted documents and this operation is not one of them: add it to the manifest, or send its hash in extensions.persistedQuery.sha256Hash")
	}
	return nil
}

// persistedHash reads extensions.persistedQuery.
func persistedHash(ext map[string]any) (hash, version string, sent bool) {
	pq, ok := ext["persistedQuery"].(map[string]any)
	if !ok {
		return "", "", false
	}
	hash, _ = pq["sha256Hash"].(string)
	version = fmt.Sprint(pq["version"])
	return strings.ToLower(hash), version, true
}

func persistedError(status int, code, msg string) *requestError {
	return &requestError{status: status, errs: []gqlError{newError(code, msg)}}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%x", sum)
}
