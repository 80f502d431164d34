package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the unit of /proc/PID/stat's CPU times (USER_HZ, 100 on
// Linux).
const clockTicks = 100

// usage is the daemon's CPU time and memory at one moment.
type usage struct {
	at       time.Time
	cpu      time.Duration
	rss, hwm int64 // KiB
	// anon and file split rss: the heap and stacks, and the pages of the
	// binary and of mapped files (the state file) in memory.
	anon, file int64 // KiB
}

func (u usage) String() string {
	return fmt.Sprintf("CPU %.2f s, RSS %.1f MiB (anonymous %.1f, file %.1f), peak RSS %.1f MiB",
		u.cpu.Seconds(), float64(u.rss)/1024, float64(u.anon)/1024, float64(u.file)/1024, float64(u.hwm)/1024)
}

// sample reads the daemon's usage from /proc; zero values when it cannot.
func (d *daemon) sample() usage {
	pid := d.cmd.Process.Pid
	u := usage{at: time.Now()}
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// Fields after the command name (in parentheses): utime and stime
		// are the 14th and 15th of the line.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
		f := strings.Fields(rest)
		if len(f) > 12 {
			ut, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			u.cpu = time.Duration(ut+st) * time.Second / clockTicks
		}
	}
	if status, err := os.Open(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		defer func() { _ = status.Close() }()
		s := bufio.NewScanner(status)
		for s.Scan() {
			name, value, _ := strings.Cut(s.Text(), ":")
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			switch name {
			case "VmRSS":
				u.rss = kib
			case "VmHWM":
				u.hwm = kib
			case "RssAnon":
				u.anon = kib
			case "RssFile":
				u.file = kib
			}
		}
	}
	return u
}

// between describes the CPU used from a to b as seconds and a share of
// one core.
func between(a, b usage) string {
	cpu, wall := b.cpu-a.cpu, b.at.Sub(a.at)
	return fmt.Sprintf("%.2f CPU s in %.2f s (%.0f%% of a core), RSS %.1f MiB, peak RSS %.1f MiB",
		cpu.Seconds(), wall.Seconds(), 100*cpu.Seconds()/wall.Seconds(), float64(b.rss)/1024, float64(b.hwm)/1024)
}
