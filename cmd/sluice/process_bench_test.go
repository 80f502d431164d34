package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkProcess runs the sluice binary as CI runs it, a whole process
// on the 1,000-pipeline repository of internal/benchrepo, and reports the
// median wall time and the largest peak resident set (getrusage of the
// child) over its samples:
//
//   - validate: sluice validate;
//   - render: sluice render --env prod --format json, output discarded.
//
// The binary is built once; each subbenchmark loops over
// SLUICE_BENCH_SAMPLES runs (5 by default), so -benchtime 1x is a full
// measurement.
func BenchmarkProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "sluice")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	repo := writeBenchRepo(b, 1000)
	gitInit(b, repo)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"validate", []string{"validate"}},
		{"render", []string{"render", "--env", "prod", "--format", "json"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				walls, rss := processSamples(b, bin, repo, c.args)
				b.ReportMetric(float64(walls[len(walls)/2].Milliseconds()), "wall-p50-ms")
				b.ReportMetric(float64(walls[len(walls)-1].Milliseconds()), "wall-max-ms")
				b.ReportMetric(float64(rss)/1024, "peak-rss-MB")
			}
		})
	}
}

// processSamples runs bin with args samples times and returns the sorted
// wall times and the largest peak RSS in KiB.
func processSamples(b *testing.B, bin, repo string, args []string) ([]time.Duration, int64) {
	b.Helper()
	samples := 5
	if s := os.Getenv("SLUICE_BENCH_SAMPLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("SLUICE_BENCH_SAMPLES=%q", s)
		}
		samples = n
	}
	var walls []time.Duration
	var peak int64
	for range samples {
		cmd := exec.Command(bin, append(append([]string{}, args...), "--repo", repo)...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("sluice %v: %v\n%s", args, err, stderr.String())
		}
		walls = append(walls, time.Since(t0))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	return walls, peak
}

// gitInit makes dir a Git repository with one commit, as a CI checkout
// is, when git is installed.
func gitInit(tb testing.TB, dir string) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "bench"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// BenchmarkInProcess runs the same commands as BenchmarkProcess through
// run, in the test process, so that -cpuprofile and -memprofile see
// them (go test -run '^$' -bench InProcess -cpuprofile cpu.out).
func BenchmarkInProcess(b *testing.B) {
	repo := writeBenchRepo(b, 1000)
	gitInit(b, repo)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"validate", []string{"validate"}},
		{"render", []string{"render", "--env", "prod", "--format", "json"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var stderr bytes.Buffer
				if code := run(append(append([]string{}, c.args...), "--repo", repo), io.Discard, &stderr); code != 0 {
					b.Fatalf("sluice %v: exit %d\n%s", c.args, code, stderr.String())
				}
			}
		})
	}
}
