package main

import (
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/examples/all"
)

// TestOracle checks that the stitched answer is the benchmark's and that
// checkOracle tells a wrong or partial answer from it.
func TestOracle(t *testing.T) {
	subs, err := all.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer subs.Close()
	want, err := all.StitchBenchmark(subs.URLs())
	if err != nil {
		t.Fatal(err)
	}
	// The benchmark's shape: 6 users and 5 top products, every review by urigo.
	for _, s := range []string{`"username":"urigo"`, `"topProducts":[{`, `"shippingEstimate":`} {
		if !strings.Contains(string(want), s) {
			t.Errorf("stitched answer lacks %s: %.300s", s, want)
		}
	}
	cases := map[string]struct {
		answer string
		ok     bool
	}{
		"stitched":     {string(want), true},
		"wrong value":  {strings.Replace(string(want), `"urigo"`, `"urig0"`, 1), false},
		"partial":      {strings.Replace(string(want), `"inStock":true,`, ``, 1), false},
		"errors added": {strings.TrimSuffix(string(want), "}") + `,"errors":[{"message":"x"}]}`, false},
		"not JSON":     {string(want[:100]), false},
		"data null":    {`{"data":null}`, false},
	}
	for name, c := range cases {
		if err := checkOracle([]byte(c.answer), subs.URLs()); (err == nil) != c.ok {
			t.Errorf("%s: checkOracle = %v, want ok %v", name, err, c.ok)
		}
	}
}
