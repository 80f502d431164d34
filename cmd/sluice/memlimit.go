package main

import (
	"bytes"
	"log/slog"
	"math"
	"os"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryLimitShare is the part of the container's memory limit the daemon
// gives the Go runtime as its soft limit: the rest is the binary's pages,
// stacks and what the kernel counts beside the heap.
const memoryLimitShare = 0.9

// setMemoryLimit gives the Go runtime a soft memory limit of nine tenths of
// the memory limit of the daemon's cgroup (a container's, a systemd unit's
// MemoryMax=), so that the collector works harder as the daemon nears it
// instead of the kernel killing it. GOMEMLIMIT, when set, wins; without a
// cgroup limit, nothing is set.
func setMemoryLimit(log *slog.Logger) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	limit, ok := cgroupMemoryLimit(os.ReadFile)
	if !ok {
		return
	}
	soft := int64(float64(limit) * memoryLimitShare)
	debug.SetMemoryLimit(soft)
	log.Info("memory limit from the cgroup", "cgroupBytes", limit, "softLimitBytes", soft)
}

// cgroupMemoryLimit returns the memory limit of the process's cgroup,
// read through read: cgroup v2's memory.max or v1's
// memory.limit_in_bytes, under the path /proc/self/cgroup gives, or at
// the hierarchy's root (a container's cgroup namespace). False when there
// is none (v2's "max", v1's page-rounded maximum) or it cannot be read.
func cgroupMemoryLimit(read func(string) ([]byte, error)) (int64, bool) {
	self, err := read("/proc/self/cgroup")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(self)) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var files []string
		switch {
		case parts[0] == "0" && parts[1] == "":
			files = []string{path.Join("/sys/fs/cgroup", parts[2], "memory.max"), "/sys/fs/cgroup/memory.max"}
		case hasController(parts[1], "memory"):
			files = []string{path.Join("/sys/fs/cgroup/memory", parts[2], "memory.limit_in_bytes"),
				"/sys/fs/cgroup/memory/memory.limit_in_bytes"}
		default:
			continue
		}
		for _, f := range files {
			if limit, ok := parseMemoryLimit(read(f)); ok {
				return limit, true
			}
		}
	}
	return 0, false
}

func hasController(list, name string) bool {
	for c := range strings.SplitSeq(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// parseMemoryLimit reads a cgroup memory limit file: a number of bytes,
// or "max" (v2) or a value near the largest int64 (v1) for none.
func parseMemoryLimit(b []byte, err error) (int64, bool) {
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || v <= 0 || v >= math.MaxInt64/2 {
		return 0, false
	}
	return v, true
}
