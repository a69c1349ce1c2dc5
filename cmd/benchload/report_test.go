package main

import (
	"strings"
	"testing"
)

func TestFinish(t *testing.T) {
	subs := subgraphResult{CeilingRequestsPerSecond: 10000}
	cases := []struct {
		name         string
		demand       float64 // subgraph requests/s during the gateway run
		wantErr      string
		wantHeadroom float64
	}{
		{"ample", 1000, "", 10},
		{"exactly five times", 2000, "", 5},
		{"too little", 2500, "refusing to report: the subgraphs alone serve 10000 requests/s, only 4.0x the 2500/s they served gw at 200 requests/s (need 5x)", 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := results{Subgraphs: subs, Runs: []row{
				{Name: "gw", RequestsPerSecond: 200, SubgraphRequestsPerSecond: c.demand},
				{Name: "ceiling", RequestsPerSecond: 800},
			}}
			err := res.finish(5)
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("finish = %v, want %q", err, c.wantErr)
			}
			if gw := res.Runs[0]; gw.SubgraphHeadroom != c.wantHeadroom || gw.RatioToCeiling != 0.25 {
				t.Errorf("headroom %v, ratio %v; want %v, 0.25", gw.SubgraphHeadroom, gw.RatioToCeiling, c.wantHeadroom)
			}
		})
	}
}

func TestSubgraphCeiling(t *testing.T) {
	cases := []struct {
		name        string
		rps, cpuMs  float64
		wantCeiling float64
	}{
		// The load generator held them back: half a CPU for 5000/s.
		{"load-bound", 5000, 0.1, 10000},
		// They used all their CPU, or more than one: the measured rate stands.
		{"cpu-bound", 5000, 0.2, 5000},
		{"several CPUs", 5000, 0.4, 5000},
		{"no CPU reading", 5000, 0, 5000},
	}
	for _, c := range cases {
		s := newSubgraphResult(row{RequestsPerSecond: c.rps, CPUMsPerRequest: c.cpuMs}, 10, 5)
		if s.CeilingRequestsPerSecond != c.wantCeiling || s.GatewayRequestsPerSecond != c.wantCeiling/10 {
			t.Errorf("%s: ceiling %v (%v per query), want %v", c.name, s.CeilingRequestsPerSecond, s.GatewayRequestsPerSecond, c.wantCeiling)
		}
	}
}
