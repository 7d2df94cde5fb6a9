package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// The server's memory limit is 1 GiB unless GOMEMLIMIT is set, which the
// runtime has then read and memoryLimit leaves alone.
func TestMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "")
	memoryLimit()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Fatalf("limit %d, want 1 GiB", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "2GiB")
	memoryLimit()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("limit %d with GOMEMLIMIT set, want the runtime's", got)
	}
}
