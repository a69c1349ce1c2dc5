package graphqlhttp_test

import (
	"math"
	"net/http"
	"testing"

	"github.com/trellis-gql/trellis/executor/graphqlhttp"
)

func TestDefaultConfig(t *testing.T) {
	want := graphqlhttp.Config{MaxBodyBytes: 2 << 20}
	if got := graphqlhttp.DefaultConfig(); got != want {
		t.Fatalf("DefaultConfig() = %+v; want %+v", got, want)
	}
	if err := graphqlhttp.DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  graphqlhttp.Config
		want string
	}{
		{graphqlhttp.Config{}, ""},
		{graphqlhttp.Config{MaxBodyBytes: 1}, ""},
		{graphqlhttp.Config{MaxBodyBytes: math.MaxInt64}, ""},
		{graphqlhttp.Config{MaxBodyBytes: -1}, "graphqlhttp: MaxBodyBytes must not be negative, got -1 (use 0 for the default of 2097152)"},
	} {
		err := tc.cfg.Validate()
		if got := errString(err); got != tc.want {
			t.Errorf("%+v.Validate() = %q; want %q", tc.cfg, got, tc.want)
		}
	}
}

// TestParseHugeLimit checks that a limit of math.MaxInt64 does not overflow limit+1.
func TestParseHugeLimit(t *testing.T) {
	for _, enc := range []string{"", "gzip"} {
		body := []byte(small)
		if enc == "gzip" {
			body = gzipped(t, small)
		}
		r := streamed(postBytes(body, "Content-Type", "application/json", "Content-Encoding", enc))
		got, err := graphqlhttp.Parse(r, graphqlhttp.Config{MaxBodyBytes: math.MaxInt64})
		if err != nil || got.Query != "{a}" || got.Method != http.MethodPost {
			t.Fatalf("Parse(%q) = %+v, %v", enc, got, err)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &graphqlhttp.Error{Status: 413, Message: "request body: exceeds the limit of 10 bytes"}
	if got, want := e.Error(), "graphqlhttp: 413 Request Entity Too Large: request body: exceeds the limit of 10 bytes"; got != want {
		t.Fatalf("Error() = %q; want %q", got, want)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
