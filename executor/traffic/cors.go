package traffic

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORSConfig says which web origins may call the gateway from a browser. Off (no origin)
// by default: same-origin pages (the playground) need no CORS.
type CORSConfig struct {
	// Origins are the allowed origins, exactly as browsers send them
	// ("https://app.example.com"), or "*" for any (never with AllowCredentials).
	Origins []string
	// AllowCredentials lets the browser send cookies and HTTP auth.
	AllowCredentials bool
	// AllowHeaders are the request headers a page may send; default Content-Type,
	// Authorization and the CSRF headers.
	AllowHeaders []string
	// ExposeHeaders are the response headers a page may read (e.g. the RateLimit ones).
	ExposeHeaders []string
	// MaxAge lets the browser cache a preflight answer.
	MaxAge time.Duration
}

// DefaultCORSConfig allows no origin; the headers are the usual ones once origins are set.
func DefaultCORSConfig() CORSConfig {
	return CORSConfig{
		AllowHeaders:  []string{"Content-Type", "Authorization", "Apollo-Require-Preflight", "X-Apollo-Operation-Name", "Trellis-Require-Preflight"},
		ExposeHeaders: []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"},
		MaxAge:        10 * time.Minute,
	}
}

// Validate refuses a wildcard with credentials, which browsers reject anyway.
func (c CORSConfig) Validate() error {
	if c.AllowCredentials && slices.Contains(c.Origins, "*") {
		return errors.New(`cors.allow_credentials: browsers refuse credentials with origins "*"; list the origins`)
	}
	for i, o := range c.Origins {
		if o != "*" && !strings.Contains(o, "://") {
			return fmt.Errorf("cors.origins[%d]: %q is not an origin; write it as https://host[:port]", i, o)
		}
	}
	return nil
}

// CORS answers preflights and sets the CORS headers for allowed origins. A request from an
// origin not allowed gets no CORS headers: the browser then keeps the answer from the page.
func CORS(cfg CORSConfig, next http.Handler) http.Handler {
	if len(cfg.Origins) == 0 {
		return next
	}
	any := slices.Contains(cfg.Origins, "*")
	allowHeaders := strings.Join(cfg.AllowHeaders, ", ")
	expose := strings.Join(cfg.ExposeHeaders, ", ")
	maxAge := strconv.Itoa(int(cfg.MaxAge / time.Second))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		h.Add("Vary", "Origin")
		allowed := origin != "" && (any || slices.Contains(cfg.Origins, origin))
		if allowed {
			if any && !cfg.AllowCredentials {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
			}
			if cfg.AllowCredentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if expose != "" {
				h.Set("Access-Control-Expose-Headers", expose)
			}
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if allowed {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", allowHeaders)
				h.Set("Access-Control-Max-Age", maxAge)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
