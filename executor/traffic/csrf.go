package traffic

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// CSRFConfig is Apollo Router's CSRF prevention: a browser sends a cross-site request
// without a CORS preflight only when it is "simple" (GET, or a POST whose Content-Type is
// text/plain, application/x-www-form-urlencoded or multipart/form-data, with no custom
// header). Such a request is refused unless it carries one of RequiredHeaders, which forces a
// preflight, so a page of another site can neither read nor even trigger an operation.
type CSRFConfig struct {
	// Disabled turns the check off (not advised when browsers reach the gateway with
	// cookies or other ambient credentials).
	Disabled bool
	// RequiredHeaders lets a simple request through when it carries any of them (non-empty).
	RequiredHeaders []string
}

// DefaultCSRFConfig is on, with Apollo's headers and Trellis's own.
func DefaultCSRFConfig() CSRFConfig {
	return CSRFConfig{RequiredHeaders: []string{"Apollo-Require-Preflight", "X-Apollo-Operation-Name", "Trellis-Require-Preflight"}}
}

// CSRF refuses simple requests without a preflight-forcing header, with 400 and a GraphQL
// error saying how to send the request.
func CSRF(cfg CSRFConfig, next http.Handler) http.Handler {
	if cfg.Disabled {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !preflighted(r, cfg.RequiredHeaders) {
			graphQLError(w, http.StatusBadRequest, "CSRF_PREVENTED",
				"this request could have been sent by another site (no Content-Type that forces a CORS preflight): "+
					"send it with Content-Type: application/json, or with a header "+strconv.Quote(firstOr(cfg.RequiredHeaders, "Apollo-Require-Preflight"))+": true")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// preflighted reports whether a browser would have had to ask before sending r.
func preflighted(r *http.Request, headers []string) bool {
	for _, h := range headers {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	if r.Method == http.MethodOptions {
		return true // the preflight itself; CORS answers it
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		q := r.URL.Query()
		if !q.Has("query") && !q.Has("extensions") && !q.Has("operationName") && !q.Has("variables") {
			return true // no operation (a persisted one is sent as extensions): a page, an asset, a probe
		}
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return false // GET, or a POST without a type: simple
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false // browsers send these as simple too
	}
	switch strings.ToLower(mt) {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return false
	}
	return true
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

// graphQLError answers with one GraphQL error and a code.
func graphQLError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(`{"errors":[{"message":` + strconv.Quote(msg) + `,"extensions":{"code":"` + code + `"}}]}`))
}
