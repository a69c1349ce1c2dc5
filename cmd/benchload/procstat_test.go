package main

import (
	"os"
	"slices"
	"testing"
)

func TestParseStat(t *testing.T) {
	cases := []struct {
		line    string
		ticks   int64
		ppid    int
		wantErr bool
	}{
		{"4242 (trellis) S 17 4242 17 0 -1 4194560 900 0 0 0 250 31 0 0 20 0 9 0 100 1 2", 281, 17, false},
		{"7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 1 1", 11, 1, false},
		{"7 (short) R 1 2 3", 0, 0, true},
		{"no parenthesis", 0, 0, true},
	}
	for _, c := range cases {
		ticks, ppid, err := parseStat(c.line)
		if (err != nil) != c.wantErr || ticks != c.ticks || ppid != c.ppid {
			t.Errorf("parseStat(%q) = %d, %d, %v; want %d, %d, error %v", c.line, ticks, ppid, err, c.ticks, c.ppid, c.wantErr)
		}
	}
}

func TestParseHWM(t *testing.T) {
	if got := parseHWM("Name:\ttrellis\nVmPeak:\t 900 kB\nVmHWM:\t   88040 kB\nVmRSS:\t 80000 kB\n"); got != 88040 {
		t.Errorf("VmHWM = %d, want 88040", got)
	}
	if got := parseHWM("Name:\tkthreadd\n"); got != 0 {
		t.Errorf("VmHWM of a kernel thread = %d, want 0", got)
	}
}

func TestTreeUsageOfSelf(t *testing.T) {
	u, err := treeUsage(os.Getpid())
	if err != nil || u.peakKiB <= 0 {
		t.Errorf("treeUsage(self) = %+v, %v", u, err)
	}
	if _, err := treeUsage(1 << 30); err == nil {
		t.Error("treeUsage of no process succeeded")
	}
}

func TestParseCPUList(t *testing.T) {
	cases := map[string][]int{"0-1": {0, 1}, "3": {3}, "0,2-4,7": {0, 2, 3, 4, 7}}
	for in, want := range cases {
		if got, err := parseCPUList(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a", "3-1", "1-x"} {
		if got, err := parseCPUList(bad); err == nil {
			t.Errorf("parseCPUList(%q) = %v, want an error", bad, got)
		}
	}
}

func TestHasFlag(t *testing.T) {
	help := "Usage of serve:\n  -dedup-window duration\n    \twindow\n  -dev\n    \tdev mode\n  -pprof string\n    \tpprof address\n"
	for name, want := range map[string]bool{"dedup": false, "dedup-window": true, "dev": true, "pprof": true, "listen": false} {
		if got := hasFlag(help, name); got != want {
			t.Errorf("hasFlag(%q) = %v, want %v", name, got, want)
		}
	}
}
