package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// host is where the processes of a run go: the gateway alone on one CPU, the
// subgraphs and the load generator together on another, when taskset and two
// CPUs allow it.
type host struct {
	// cpus is how many CPUs the harness was allowed at start.
	cpus                int
	pinned              bool
	loadCPU, gatewayCPU int
	// pinning says how the processes are placed, or why they are not.
	pinning string
	// clkTck is the unit of CPU times in /proc; clkNote says if it was assumed.
	clkTck  int64
	clkNote string
}

// setUpHost pins this process (the load generator) to the first allowed CPU,
// so that the gateway can have the second to itself.
func setUpHost() host {
	h := host{clkTck: 100}
	if out, err := exec.Command("getconf", "CLK_TCK").Output(); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && n > 0 {
			h.clkTck = n
		}
	} else {
		h.clkNote = "getconf CLK_TCK failed: assumed 100 clock ticks per second"
	}

	cpus := allowedCPUs()
	h.cpus = len(cpus)
	_, err := exec.LookPath("taskset")
	switch {
	case err != nil:
		h.pinning = "not pinned (taskset not found): gateway, subgraphs and load share every CPU"
		return h
	case len(cpus) < 2:
		h.pinning = "not pinned (one CPU): gateway, subgraphs and load share it"
		return h
	}
	h.loadCPU, h.gatewayCPU = cpus[0], cpus[1]
	if err := pinSelf(h.loadCPU); err != nil {
		h.pinning = fmt.Sprintf("not pinned (%v): gateway, subgraphs and load share every CPU", err)
		return h
	}
	runtime.GOMAXPROCS(1)
	h.pinned = true
	h.pinning = fmt.Sprintf("taskset: gateway on CPU %d; subgraphs and load on CPU %d", h.gatewayCPU, h.loadCPU)
	return h
}

// pinSelf moves every thread of this process to cpu; threads started later
// inherit it.
func pinSelf(cpu int) error {
	self := exec.Command("taskset", "-a", "-p", "-c", strconv.Itoa(cpu), strconv.Itoa(os.Getpid()))
	if out, err := self.CombinedOutput(); err != nil {
		return fmt.Errorf("taskset: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// loadAside moves the load generator to the gateway's CPU while the gateway
// is idle, so that the subgraphs measured alone have their CPU to
// themselves; the returned func moves it back.
func (h host) loadAside() (back func() error, err error) {
	if !h.pinned {
		return func() error { return nil }, nil
	}
	if err := pinSelf(h.gatewayCPU); err != nil {
		return nil, err
	}
	return func() error { return pinSelf(h.loadCPU) }, nil
}

// onGatewayCPU and onLoadCPU prefix a command with its taskset, if pinned.
func (h host) onGatewayCPU(argv []string) []string { return h.on(h.gatewayCPU, argv) }
func (h host) onLoadCPU(argv []string) []string    { return h.on(h.loadCPU, argv) }

func (h host) on(cpu int, argv []string) []string {
	if !h.pinned {
		return argv
	}
	return append([]string{"taskset", "-c", strconv.Itoa(cpu)}, argv...)
}

// allowedCPUs lists the CPUs this process may run on, from
// /proc/self/status, or 0 to NumCPU-1 if that cannot be read.
func allowedCPUs() []int {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if list, ok := strings.CutPrefix(sc.Text(), "Cpus_allowed_list:"); ok {
				if cpus, err := parseCPUList(strings.TrimSpace(list)); err == nil && len(cpus) > 0 {
					return cpus
				}
			}
		}
	}
	cpus := make([]int, runtime.NumCPU())
	for i := range cpus {
		cpus[i] = i
	}
	return cpus
}

// parseCPUList reads the kernel's list format: "0-3,8,10-11".
func parseCPUList(s string) ([]int, error) {
	var cpus []int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("cpu list %q: %w", s, err)
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil || last < first {
				return nil, fmt.Errorf("cpu list %q: bad range %q", s, part)
			}
		}
		for c := first; c <= last; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}
