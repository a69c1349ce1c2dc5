package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the collector's target when GOGC is not set: the heap may grow to 1.75 times
// what was live after the last collection, instead of Go's default of 2 times. Executions
// reuse the memory of those before them (executor's arena), so a request leaves little
// garbage and the collector runs seldom even with less room; under the benchmark load this
// cut peak RSS by about 6 MiB for 1-2% more CPU (docs/performance.md). GOGC, when set, wins.
const gcPercent = 75

func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}
