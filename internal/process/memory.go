package process

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT
// says otherwise. A plan that reads 10,000 tickets in one batch holds about
// 16 MiB of live heap at its peak (mostly the plugin framework's copies of
// the configuration and the state); without a limit the heap may grow to
// twice that before a collection. The limit makes the collector work
// harder only near it, so smaller plans never notice it, and it is soft:
// a larger heap is slower to collect, never an error.
const softMemoryLimit = 40 << 20

// LimitMemory sets softMemoryLimit as the runtime's soft memory limit,
// unless GOMEMLIMIT is set.
func LimitMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	debug.SetMemoryLimit(softMemoryLimit)
}
