package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// usage is a process tree's CPU time and peak memory, read from /proc.
type usage struct {
	// ticks is user plus system CPU time, in clock ticks (host.clkTck a second).
	ticks int64
	// peakKiB sums each process's peak resident set (VmHWM).
	peakKiB int64
}

// treeUsage reads the usage of root and every descendant, so that a gateway
// started through a wrapper (npx, a shell script) is measured whole.
func treeUsage(root int) (usage, error) {
	var u usage
	for _, pid := range tree(root) {
		ticks, _, err := readStat(pid)
		if err != nil {
			if pid == root {
				return u, err
			}
			continue // a child that just exited
		}
		u.ticks += ticks
		u.peakKiB += readHWM(pid)
	}
	return u, nil
}

// tree returns root and its descendants, from the parent pids in /proc.
func tree(root int) []int {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		if _, ppid, err := readStat(pid); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	pids := []int{root}
	for i := 0; i < len(pids); i++ {
		pids = append(pids, children[pids[i]]...)
	}
	return pids
}

// readStat returns utime+stime and the parent pid from /proc/PID/stat.
func readStat(pid int) (ticks int64, ppid int, err error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	return parseStat(string(raw))
}

// parseStat reads fields 4 (ppid), 14 (utime) and 15 (stime) of a
// /proc/PID/stat line. The command name, field 2, may hold spaces and
// parentheses, so fields are counted from its closing parenthesis.
func parseStat(line string) (ticks int64, ppid int, err error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("bad /proc stat line %q", line)
	}
	f := strings.Fields(line[i+1:]) // f[0] is field 3
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("short /proc stat line %q", line)
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, fmt.Errorf("bad /proc stat line %q", line)
	}
	return utime + stime, ppid, nil
}

// readHWM returns VmHWM from /proc/PID/status in KiB, or 0.
func readHWM(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	return parseHWM(string(raw))
}

func parseHWM(status string) int64 {
	for line := range strings.Lines(status) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
