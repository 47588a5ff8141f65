package process

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

func TestLimitMemory(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	debug.SetMemoryLimit(math.MaxInt64)
	LimitMemory()
	if got := debug.SetMemoryLimit(-1); got != softMemoryLimit {
		t.Fatalf("limit %d, want %d", got, softMemoryLimit)
	}

	// GOMEMLIMIT wins.
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	LimitMemory()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Fatalf("limit %d with GOMEMLIMIT set", got)
	}
}
