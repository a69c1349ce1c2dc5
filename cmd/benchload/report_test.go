package main

import (
	"strings"
	"testing"
)

func TestFinish(t *testing.T) {
	subs := subgraphResult{CeilingRequestsPerSecond: 10000}
	rules := headroomRules{min: 5, saturated: 2.5, pinned: true}
	unpinned := rules
	unpinned.pinned = false
	cases := []struct {
		name          string
		demand        float64 // subgraph requests/s during the gateway run
		busy          float64 // the gateway's CPU busy
		rules         headroomRules
		wantErr       string
		wantHeadroom  float64
		wantSaturated bool
	}{
		{"ample", 1000, 0.5, rules, "", 10, false},
		{"exactly five times", 2000, 0.5, rules, "", 5, false},
		{"too little", 2500, 0.94, rules, "refusing to report: the subgraphs alone serve 10000 requests/s, only 4.0x the 2500/s they served gw at 200 requests/s (need 5x, or 2.5x with the gateway pinned and at least 0.95 CPU busy; it was 0.94)", 4, false},
		{"saturated gateway", 2500, 0.95, rules, "", 4, true},
		{"saturated, exactly the lower headroom", 4000, 0.99, rules, "", 2.5, true},
		{"saturated, too little even so", 5000, 0.99, rules, "only 2.0x the 5000/s", 2, false},
		{"busy but not pinned", 2500, 0.99, unpinned, "only 4.0x", 4, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := results{Subgraphs: subs, Runs: []row{
				{Name: "gw", RequestsPerSecond: 200, CPUBusy: c.busy, SubgraphRequestsPerSecond: c.demand},
				{Name: "ceiling", RequestsPerSecond: 800},
			}}
			err := res.finish(c.rules)
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("finish = %v, want %q", err, c.wantErr)
			}
			gw := res.Runs[0]
			if gw.SubgraphHeadroom != c.wantHeadroom || gw.RatioToCeiling != 0.25 || gw.Saturated != c.wantSaturated {
				t.Errorf("headroom %v, ratio %v, saturated %v; want %v, 0.25, %v", gw.SubgraphHeadroom, gw.RatioToCeiling, gw.Saturated, c.wantHeadroom, c.wantSaturated)
			}
			// A run counted as saturated says so in the notes, which the table prints.
			if noted := len(res.Notes) == 1 && strings.Contains(res.Notes[0], "counted because the gateway kept its CPU"); noted != (c.wantSaturated && err == nil) {
				t.Errorf("notes %q", res.Notes)
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
		s := newSubgraphResult(row{RequestsPerSecond: c.rps, CPUMsPerRequest: c.cpuMs}, 10, headroomRules{min: 5})
		if s.CeilingRequestsPerSecond != c.wantCeiling || s.GatewayRequestsPerSecond != c.wantCeiling/10 {
			t.Errorf("%s: ceiling %v (%v per query), want %v", c.name, s.CeilingRequestsPerSecond, s.GatewayRequestsPerSecond, c.wantCeiling)
		}
	}
}
