package main

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// progressAt returns an apply's progress writing to a buffer, as a
// terminal or not, whose clock reads *now, started at start.
func progressAt(tty bool, start time.Time, now *time.Time) (*applyProgress, *bytes.Buffer) {
	var b bytes.Buffer
	a := newApplyProgress(&terminalWriter{Writer: &b, term: &terminal{tty: tty, width: 80}}, false)
	a.start, a.now = start, func() time.Time { return *now }
	return a, &b
}

// progressPlan is a plan of two creations, a database and a bucket, and
// one held state machine.
func progressPlan() reconcile.Plan {
	return reconcile.Plan{Changes: []reconcile.Change{
		{ID: "DBInstance/meta", Action: reconcile.ActionCreate},
		{ID: "Bucket/data", Action: reconcile.ActionCreate},
		{ID: "StateMachine/t", Action: reconcile.ActionHold},
	}}
}

// TestApplyProgressAsItHappens checks that each change's line is printed
// when it ends, with the time since the apply started (the bucket done
// at 0s is not kept until the database's 15s), that a change still in
// progress is printed once, by finish, and that off a terminal no live
// line or escape sequence is written.
func TestApplyProgressAsItHappens(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	a, out := progressAt(false, t0, &now)
	p := progressPlan()
	a.begin(p)
	bucket := reconcile.Result{Change: p.Changes[1]}
	a.result(bucket)
	if want := "  create   Bucket/data: done in 0s\n"; out.String() != want {
		t.Fatalf("after the bucket ended: %q, want %q", out.String(), want)
	}
	now = t0.Add(15 * time.Second)
	waiting := reconcile.Result{Change: p.Changes[0], Err: sluice.Waiting(time.Minute, errors.New("the instance is creating"))}
	a.result(waiting)
	a.result(reconcile.Result{Change: p.Changes[2]})
	a.finish([]reconcile.Result{waiting, bucket, {Change: p.Changes[2]}})
	want := "  create   Bucket/data: done in 0s\n" +
		"  create   DBInstance/meta: in progress, apply again in 1m0s: the instance is creating\n"
	if out.String() != want {
		t.Errorf("piped progress:\n%q\nwant\n%q", out.String(), want)
	}
}

// TestApplyProgressLiveLine checks that on a terminal a live line names
// the changes still running, is cleared before each change's line, and
// is gone at the end.
func TestApplyProgressLiveLine(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	a, out := progressAt(true, t0, &now)
	p := progressPlan()
	a.begin(p)
	now = t0.Add(3 * time.Second)
	a.tick()
	a.result(reconcile.Result{Change: p.Changes[1]})
	now = t0.Add(9 * time.Second)
	a.result(reconcile.Result{Change: p.Changes[0]})
	a.finish(nil)
	want := "  … 0s elapsed, applying DBInstance/meta, Bucket/data" +
		"\r\x1b[K  … 3s elapsed, applying DBInstance/meta, Bucket/data" +
		"\r\x1b[K  create   Bucket/data: done in 3s\n" +
		"  … 3s elapsed, applying DBInstance/meta" +
		"\r\x1b[K  create   DBInstance/meta: done in 9s\n"
	if out.String() != want {
		t.Errorf("terminal progress:\n%q\nwant\n%q", out.String(), want)
	}
}
