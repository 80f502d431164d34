package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// watchAt returns a watcher writing to a buffer, as a terminal or not,
// whose clock reads *now.
func watchAt(tty bool, now *time.Time) (*watcher, *bytes.Buffer) {
	var b bytes.Buffer
	v := newWatcher(&terminalWriter{Writer: &b, term: &terminal{tty: tty, width: 60}}, time.Minute)
	v.now = func() time.Time { return *now }
	return v, &b
}

// TestHeartbeatWhenPiped checks that a long step shows its elapsed time
// once a heartbeat when the output is not a terminal, and no more often.
func TestHeartbeatWhenPiped(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	v, out := watchAt(false, &now)
	e := sluice.Execution{Status: sluice.ExecutionRunning, Started: t0,
		Steps: []sluice.StepRun{{State: "train", Status: sluice.ExecutionRunning, Started: t0, Attempt: 1}}}
	for _, at := range []time.Duration{0, 30 * time.Second, 59 * time.Second, 61 * time.Second, 90 * time.Second, 2*time.Minute + 2*time.Second} {
		now = t0.Add(at)
		v.update(e)
	}
	want := "  ... train started\n" +
		"  … 1m1s elapsed, running train (1m1s)\n" +
		"  … 2m2s elapsed, running train (2m2s)\n"
	if out.String() != want {
		t.Errorf("piped output:\n%q\nwant\n%q", out.String(), want)
	}
}

// TestLiveLineOnATerminal checks that the live line is rewritten in
// place and cleared before a step's line and the end.
func TestLiveLineOnATerminal(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0.Add(5 * time.Second)
	v, out := watchAt(true, &now)
	step := sluice.StepRun{State: "train", Status: sluice.ExecutionRunning, Started: t0, Attempt: 1}
	e := sluice.Execution{Name: "r1", Status: sluice.ExecutionRunning, Started: t0, Steps: []sluice.StepRun{step}}
	v.update(e)
	now = t0.Add(6 * time.Second)
	v.update(e)
	step.Status, step.Stopped = sluice.ExecutionSucceeded, t0.Add(6*time.Second)
	e.Steps = []sluice.StepRun{step}
	v.update(e)
	got := out.String()
	for _, want := range []string{
		"  ... train started\n  … 5s elapsed, running train (5s)",
		"\r\x1b[K  … 6s elapsed, running train (6s)",
		"\r\x1b[K  ok  train (6s)\n  … 6s elapsed, between steps",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, got)
		}
	}
}
