package main

import (
	"errors"
	"net/http"
	"time"

	"github.com/trellis-gql/trellis/executor/traffic"
)

// trafficFile is the traffic section of trellis.yaml: the HTTP rules in front of the
// gateway (package traffic).
type trafficFile struct {
	CORS          corsFile       `yaml:"cors"`
	CSRF          csrfFile       `yaml:"csrf"`
	MaxConcurrent *int           `yaml:"max_concurrent"`
	RetryAfter    *time.Duration `yaml:"retry_after"`
}

type corsFile struct {
	Origins          []string       `yaml:"origins"`
	AllowCredentials bool           `yaml:"allow_credentials"`
	AllowHeaders     []string       `yaml:"allow_headers"`
	ExposeHeaders    []string       `yaml:"expose_headers"`
	MaxAge           *time.Duration `yaml:"max_age"`
}

type csrfFile struct {
	Disabled        bool     `yaml:"disabled"`
	RequiredHeaders []string `yaml:"required_headers"`
}

// trafficRules are the package configs the file sets.
type trafficRules struct {
	cors traffic.CORSConfig
	csrf traffic.CSRFConfig
	shed traffic.ShedConfig
}

func (f *fileConfig) traffic() (trafficRules, error) {
	t := trafficRules{cors: traffic.DefaultCORSConfig(), csrf: traffic.DefaultCSRFConfig(), shed: traffic.DefaultShedConfig()}
	in := f.Traffic
	t.cors.Origins, t.cors.AllowCredentials = in.CORS.Origins, in.CORS.AllowCredentials
	if in.CORS.AllowHeaders != nil {
		t.cors.AllowHeaders = in.CORS.AllowHeaders
	}
	if in.CORS.ExposeHeaders != nil {
		t.cors.ExposeHeaders = in.CORS.ExposeHeaders
	}
	setPtr(&t.cors.MaxAge, in.CORS.MaxAge)
	t.csrf.Disabled = in.CSRF.Disabled
	if in.CSRF.RequiredHeaders != nil {
		t.csrf.RequiredHeaders = in.CSRF.RequiredHeaders
	}
	setPtr(&t.shed.MaxConcurrent, in.MaxConcurrent)
	setPtr(&t.shed.RetryAfter, in.RetryAfter)
	if t.shed.MaxConcurrent < 0 {
		return t, errors.New("traffic.max_concurrent: must be 0 (off) or positive, e.g. 2000")
	}
	return t, t.cors.Validate()
}

// wrap puts the rules around the gateway's routes: shedding first (it protects everything),
// then CORS (it answers preflights), then CSRF prevention.
// Liveness (/health) is never shed: an orchestrator would restart a gateway that is merely busy.
func (t trafficRules) wrap(h http.Handler) http.Handler {
	ruled := traffic.Shed(t.shed, traffic.CORS(t.cors, traffic.CSRF(t.csrf, h)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			h.ServeHTTP(w, r)
			return
		}
		ruled.ServeHTTP(w, r)
	})
}
