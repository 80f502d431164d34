package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// scriptedAttempt is an attempt as a scripted daemon holds it at one
// moment: its record and its log so far.
type scriptedAttempt struct {
	sluice.AttemptRecord
	log string
}

// runState is a run as the scripted daemon shows it at one moment.
type runState struct {
	status   string
	attempts []scriptedAttempt
}

// runAPI is a daemon's run and log parts API, scripted: each read of
// the run moves to the next state (the last one stays); log parts are
// served from the current state as daemon.RunLogPart serves them (the
// token is the byte offset; a part at the end has no text). It counts
// the requests.
type runAPI struct {
	mu     sync.Mutex
	states []runState
	at     int
	reads  int
	parts  int
}

func (a *runAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	const base = "/api/v1/environments/dev/runs/r1"
	switch {
	case r.URL.Path == base:
		if a.reads > 0 && a.at < len(a.states)-1 {
			a.at++
		}
		a.reads++
		s := a.states[a.at]
		d := sluice.RunDetail{RunRecord: sluice.RunRecord{ID: "r1", Name: "r1", Status: s.status}}
		for _, at := range s.attempts {
			d.Attempts = append(d.Attempts, at.AttemptRecord)
		}
		_ = json.NewEncoder(w).Encode(d)
	case strings.HasPrefix(r.URL.Path, base+"/steps/") && r.URL.Query().Has("page"):
		a.parts++
		path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, base+"/steps/"), "/log")
		n, _ := strconv.Atoi(r.URL.Query().Get("attempt"))
		s := a.states[a.at]
		for _, at := range s.attempts {
			if at.Path != path || at.Attempt != n {
				continue
			}
			from, _ := strconv.Atoi(r.URL.Query().Get("token"))
			text := at.log[from:]
			h := w.Header()
			h.Set("Sluice-Log-Next", strconv.Itoa(len(at.log)))
			h.Set("Sluice-Log-End", strconv.FormatBool(text == ""))
			h.Set("Sluice-Log-Attempt", strconv.Itoa(n))
			h.Set("Sluice-Log-Status", at.Status)
			h.Set("Sluice-Log-Run-Status", s.status)
			_, _ = w.Write([]byte(text))
			return
		}
		http.Error(w, `{"error": "not found: run r1 has no attempt of step `+path+`"}`, http.StatusNotFound)
	default:
		http.Error(w, "unexpected request "+r.URL.String(), http.StatusTeapot)
	}
}

// at is an attempt of step at path (foreach indexes idx) with its log.
func at(path string, n int, status, log string, idx ...int) scriptedAttempt {
	step := path[strings.LastIndex(path, "/")+1:]
	return scriptedAttempt{AttemptRecord: sluice.AttemptRecord{RunID: "r1", Step: step, Path: path, Attempt: n, Status: status,
		ForeachIndex: idx}, log: log}
}

const running, succeeded, failed = sluice.ExecutionRunning, sluice.ExecutionSucceeded, sluice.ExecutionFailed

// follow runs sluice logs --follow on api and returns what it printed
// and the waits it made.
func follow(t *testing.T, api *runAPI, step string, attempt int) (string, []time.Duration, error) {
	t.Helper()
	srv := httptest.NewServer(api)
	defer srv.Close()
	var waits []time.Duration
	o := &logsOptions{clientOptions: clientOptions{server: srv.URL, env: "dev"}, attempt: attempt,
		wait: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			if len(waits) > 50 {
				t.Fatal("the follower does not stop")
			}
			return nil
		}}
	var out strings.Builder
	err := o.followRun(context.Background(), &out, "r1", step)
	return out.String(), waits, err
}

// TestFollowRun: without STEP, the follower takes up every attempt as
// it starts (foreach copies, retries), prefixes each line with its step,
// copy and attempt, prints a last line without its newline once its
// attempt ended, and stops when the run has ended and every attempt is
// read to its end. Each round reads the run once and each attempt not
// done until the end of what it wrote; a round that brings nothing
// waits 0.5 s, doubling, and one that brings something 0.5 s.
func TestFollowRun(t *testing.T) {
	api := &runAPI{states: []runState{
		{status: running},
		{status: running, attempts: []scriptedAttempt{at("start", 1, running, "s1\n")}},
		{status: running, attempts: []scriptedAttempt{at("start", 1, running, "s1\n")}},
		{status: running, attempts: []scriptedAttempt{at("start", 1, succeeded, "s1\ns2\n"),
			at("start.foreach/0/work", 1, running, "a\n", 0), at("start.foreach/1/work", 1, running, "b\n", 1)}},
		{status: running, attempts: []scriptedAttempt{at("start", 1, succeeded, "s1\ns2\n"),
			at("start.foreach/0/work", 1, succeeded, "a\n", 0), at("start.foreach/1/work", 1, failed, "b\nboom", 1),
			at("start.foreach/1/work", 2, running, "", 1)}},
		{status: succeeded, attempts: []scriptedAttempt{at("start", 1, succeeded, "s1\ns2\n"),
			at("start.foreach/0/work", 1, succeeded, "a\n", 0), at("start.foreach/1/work", 1, failed, "b\nboom", 1),
			at("start.foreach/1/work", 2, succeeded, "b2\n", 1)}},
	}}
	out, waits, err := follow(t, api, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "[start attempt 1] s1\n[start attempt 1] s2\n[work/0 attempt 1] a\n[work/1 attempt 1] b\n" +
		"[work/1 attempt 1] boom\n[work/1 attempt 2] b2\n"
	if out != want {
		t.Errorf("printed\n%s\nwant\n%s", out, want)
	}
	// Parts: 0; start 2 (text, end); start 1; start 2, each copy 2;
	// work/0 1, work/1#1 2, work/1#2 1; work/1#2 2.
	if api.reads != 6 || api.parts != 15 {
		t.Errorf("%d reads of the run and %d log parts, want 6 and 15", api.reads, api.parts)
	}
	ms := func(d ...float64) []time.Duration {
		var out []time.Duration
		for _, s := range d {
			out = append(out, time.Duration(s*float64(time.Second)))
		}
		return out
	}
	if w := ms(0.5, 0.5, 0.5, 0.5, 0.5); !equalDurations(waits, w) {
		t.Errorf("waited %v, want %v", waits, w)
	}
}

// TestFollowStepRetries: with STEP, the follower waits for the step to
// start, follows its first attempt, waits for a retry after it failed
// while the run runs, follows the retry under a heading, and stops once
// it succeeded, though the run goes on. A round that brings nothing
// waits longer each time.
func TestFollowStepRetries(t *testing.T) {
	api := &runAPI{states: []runState{
		{status: running},
		{status: running, attempts: []scriptedAttempt{at("prepare", 1, succeeded, "p\n"), at("fit", 1, running, "x\n")}},
		{status: running, attempts: []scriptedAttempt{at("prepare", 1, succeeded, "p\n"), at("fit", 1, failed, "x\ny")}},
		{status: running, attempts: []scriptedAttempt{at("prepare", 1, succeeded, "p\n"), at("fit", 1, failed, "x\ny")}},
		{status: running, attempts: []scriptedAttempt{at("prepare", 1, succeeded, "p\n"), at("fit", 1, failed, "x\ny")}},
		{status: running, attempts: []scriptedAttempt{at("prepare", 1, succeeded, "p\n"), at("fit", 1, failed, "x\ny"),
			at("fit", 2, running, "z\n")}},
		{status: running, attempts: []scriptedAttempt{at("prepare", 1, succeeded, "p\n"), at("fit", 1, failed, "x\ny"),
			at("fit", 2, succeeded, "z\n"), at("evaluate", 1, running, "e\n")}},
	}}
	out, waits, err := follow(t, api, "fit", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := "x\ny\n==> fit attempt 2 <==\nz\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	// Parts: 0; fit#1 2; fit#1 2 (ended); 0; 0; fit#2 2; fit#2 1 (ended).
	if api.reads != 7 || api.parts != 7 {
		t.Errorf("%d reads of the run and %d log parts, want 7 and 7 (stopped when the retry succeeded)", api.reads, api.parts)
	}
	half := 500 * time.Millisecond
	want := []time.Duration{half, half, half, half, time.Second, half}
	if !equalDurations(waits, want) {
		t.Errorf("waited %v, want %v", waits, want)
	}

	// --attempt 1: that attempt only, done when it ended.
	api = &runAPI{states: api.states}
	if out, _, err := follow(t, api, "fit", 1); err != nil || out != "x\ny" || api.reads != 3 {
		t.Errorf("--attempt 1: %q after %d reads (%v), want its log after 3", out, api.reads, err)
	}
}

// TestFollowStepNeverRan: a run that ended without the step is an error
// naming it, not an endless wait.
func TestFollowStepNeverRan(t *testing.T) {
	api := &runAPI{states: []runState{{status: failed, attempts: []scriptedAttempt{at("prepare", 1, failed, "p\n")}}}}
	_, waits, err := follow(t, api, "fit", 0)
	if err == nil || !strings.Contains(err.Error(), "no attempt of step fit") || len(waits) != 0 {
		t.Errorf("err = %v after %d waits, want one naming the step at once", err, len(waits))
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
