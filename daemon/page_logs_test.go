package daemon_test

import (
	"bufio"
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// sseEvent is one event of an event stream.
type sseEvent struct{ name, id, data string }

// openEvents opens the event stream at path with the API token and
// returns its events as they come; the channel closes with the stream.
func openEvents(t *testing.T, base, path string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		_ = resp.Body.Close()
		t.Fatalf("%s: %s", path, resp.Status)
	}
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		defer func() { _ = resp.Body.Close() }()
		lines := bufio.NewScanner(resp.Body)
		var e sseEvent
		for lines.Scan() {
			line := lines.Text()
			switch {
			case line == "":
				if e.name != "" {
					ch <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				e.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				e.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				e.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return ch
}

// nextEvent returns the stream's next event.
func nextEvent(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("the event stream closed")
		}
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no event in 30 s")
	}
	return sseEvent{}
}

// logLook returns the timer a log feed waits on while caught up with
// the log (2 to 10 s of the simulated time; the daemon's other timers
// wait longer), once one waits.
func logLook(t *testing.T, c *fakeClock) *fakeTimer {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c.mu.Lock()
		var waits []time.Duration
		for _, tm := range c.timers {
			if d := tm.at.Sub(c.now); d >= 2*time.Second && d <= 10*time.Second {
				c.mu.Unlock()
				return tm
			}
			waits = append(waits, tm.at.Sub(c.now))
		}
		c.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no log feed waits; timers %v", waits)
		}
		time.Sleep(time.Millisecond)
	}
}

// logLooks counts the timers logLook would return.
func (c *fakeClock) logLooks() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, tm := range c.timers {
		if d := tm.at.Sub(c.now); d >= 2*time.Second && d <= 10*time.Second {
			n++
		}
	}
	return n
}

// fireLogLook fires the timer a log feed waits on (logLook), without
// waiting for what it wakes.
func fireLogLook(t *testing.T, c *fakeClock) {
	t.Helper()
	tm := logLook(t, c)
	c.stop(tm)
	c.mu.Lock()
	c.now = tm.at
	c.mu.Unlock()
	tm.ch <- tm.at
}

// TestLogPageFollowsCloudWatch: the log page of a running attempt of a
// run on AWS reads its CloudWatch Logs stream through the API's log
// parts, lists the step's attempts, and names the stream the lines that
// follow come from; two viewers following it get each new line and the
// end while one shared reader reads the stream: one GetLogEvents call
// per look, not one per viewer. Secret values are masked on the page
// and in the stream.
func TestLogPageFollowsCloudWatch(t *testing.T) {
	clock := newFakeClock()
	r := newLogRigWith(t, harnessOptions{clock: clock})
	t0 := clock.Now()
	run := sluice.RunRecord{ID: "arn:aws:states:eu-west-1:123456789012:execution:churn-dev-training:r1", Name: "r1",
		Pipeline: "training", Environment: "dev", Backend: "aws", Status: sluice.ExecutionRunning, Started: t0}
	first := sluice.AttemptRecord{RunID: run.ID, Step: "fit", Path: "fit", Attempt: 1, Status: sluice.ExecutionFailed,
		Started: t0, Stopped: t0.Add(time.Second), Log: fitStream + "-0"}
	fit := sluice.AttemptRecord{RunID: run.ID, Step: "fit", Path: "fit", Attempt: 2, Status: sluice.ExecutionRunning,
		Started: t0.Add(2 * time.Second), Log: fitStream}
	r.put(t, run, first, fit)
	r.cw.Append("/aws/batch/job", "fit/default/t1", "epoch 1", "epoch 2", "key "+testSecret)

	page := "/ui/env/dev/pipelines/training/runs/r1/steps/1/log"
	calls := r.cw.Calls("GetLogEvents")
	code, body := r.get(t, page)
	body = html.UnescapeString(body)
	if code != http.StatusOK {
		t.Fatalf("the log page: %d %s", code, body)
	}
	for _, want := range []string{"epoch 1\nepoch 2\nkey ", `data-log-events="` + page + `/events"`,
		`<a href="/ui/env/dev/pipelines/training/runs/r1/steps/0/log">attempt 1</a>`,
		`<a href="` + page + `" aria-current="page">attempt 2</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the log page lacks %q", want)
		}
	}
	if strings.Contains(body, testSecret) {
		t.Error("the log page shows a secret value")
	}
	// Limit 2: two lines, one line, then the end.
	if n := r.cw.Calls("GetLogEvents") - calls; n != 3 {
		t.Errorf("the page view made %d GetLogEvents calls, want 3", n)
	}
	_, from, _ := strings.Cut(body, `data-log-from="`)
	from, _, _ = strings.Cut(from, `"`)

	// The page view's reader stopped with the view: it waits no more.
	for deadline := time.Now().Add(30 * time.Second); clock.logLooks() > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page view's log reader still waits")
		}
	}
	calls = r.cw.Calls("GetLogEvents")
	a := openEvents(t, r.h.api.URL, page+"/events?from="+from)
	logLook(t, clock) // the reader, started again by the first viewer, looked once and waits
	b := openEvents(t, r.h.api.URL, page+"/events?from="+from)
	r.cw.Append("/aws/batch/job", "fit/default/t1", "epoch 3", "epoch 4 "+testSecret)
	fireLogLook(t, clock)
	for name, ch := range map[string]<-chan sseEvent{"first": a, "second": b} {
		e := nextEvent(t, ch)
		if e.name != "lines" || !strings.HasPrefix(e.data, `{"text":"epoch 3\nepoch 4 `) || e.id == "" || e.id == from {
			t.Errorf("%s viewer: %+v, want the two new lines with the offset after them", name, e)
		}
		if strings.Contains(e.data, testSecret) {
			t.Errorf("%s viewer got a secret value: %s", name, e.data)
		}
	}
	fit.Status, fit.Stopped = sluice.ExecutionSucceeded, t0.Add(time.Minute)
	r.put(t, run, fit)
	fireLogLook(t, clock)
	for name, ch := range map[string]<-chan sseEvent{"first": a, "second": b} {
		if e := nextEvent(t, ch); e.name != "end" || e.data != `{"status":"SUCCEEDED"}` {
			t.Errorf("%s viewer: %+v, want the end", name, e)
		}
	}
	// One reader: a look when it started again, two for the new lines
	// (two, then the end), one that saw the attempt ended.
	if n := r.cw.Calls("GetLogEvents") - calls; n != 4 {
		t.Errorf("two viewers following the log made %d GetLogEvents calls, want 4 (one reader)", n)
	}

	// The ended attempt's page shows the whole log from what the reader
	// read, with no stream to follow and no further call.
	calls = r.cw.Calls("GetLogEvents")
	_, body = r.get(t, page)
	body = html.UnescapeString(body)
	if !strings.Contains(body, "epoch 2\nkey ") || !strings.Contains(body, "epoch 4 ") || !strings.HasSuffix(strings.Split(body, "</pre>")[0], "\n") || strings.Contains(body, "data-log-events") || strings.Contains(body, testSecret) {
		t.Errorf("the ended attempt's page: %s", body)
	}
	if n := r.cw.Calls("GetLogEvents") - calls; n != 0 {
		t.Errorf("the ended attempt's page made %d calls, want 0 (the reader's read)", n)
	}
	// The first attempt's stream does not exist: the page says so.
	if _, body := r.get(t, "/ui/env/dev/pipelines/training/runs/r1/steps/0/log"); !strings.Contains(body, "not found") {
		t.Errorf("a failed attempt whose stream is gone: %s", body)
	}
}
