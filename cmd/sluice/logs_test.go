package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// logAPI is a daemon's log parts API scripted as the daemon answers it
// (daemon.RunLogPart): each request gets the next part; it records the
// tokens and attempts asked.
type logAPI struct {
	mu    sync.Mutex
	parts []map[string]string // headers, and "text"
	asked []string
}

func (a *logAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, r.URL.Query().Get("attempt")+"@"+r.URL.Query().Get("token"))
	if len(a.parts) == 0 || !r.URL.Query().Has("page") {
		http.Error(w, "unexpected request "+r.URL.String(), http.StatusTeapot)
		return
	}
	p := a.parts[0]
	a.parts = a.parts[1:]
	for k, v := range p {
		if k != "text" {
			w.Header().Set("Sluice-Log-"+k, v)
		}
	}
	_, _ = w.Write([]byte(p["text"]))
}

func part(text, next, end, attempt, status string) map[string]string {
	return map[string]string{"text": text, "Next": next, "End": end, "Attempt": attempt, "Status": status, "Run-Status": "RUNNING"}
}

// TestFollowLog: the follower waits while the step has not started,
// pins the attempt once there is one, reads on without waiting while
// parts come, backs off (0.5 s doubling) while caught up, and stops at
// the first end read after the attempt ended.
func TestFollowLog(t *testing.T) {
	api := &logAPI{parts: []map[string]string{
		part("", "", "true", "0", ""),                // not started
		part("", "", "true", "2", "RUNNING"),         // attempt 2, no stream yet
		part("a\n", "t1", "false", "2", "RUNNING"),   // read on at once
		part("", "t1", "true", "2", "RUNNING"),       // caught up: wait
		part("", "t1", "true", "2", "RUNNING"),       // still: wait longer
		part("b\n", "t2", "false", "2", "SUCCEEDED"), // ended, more to read
		part("", "t2", "true", "2", "SUCCEEDED"),     // drained: stop
		part("never\n", "t3", "true", "2", "SUCCEEDED"),
	}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	var waits []time.Duration
	o := &logsOptions{clientOptions: clientOptions{server: srv.URL, env: "dev"},
		wait: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	var out strings.Builder
	if err := o.followLog(context.Background(), &out, "r1", "fit"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a\nb\n" {
		t.Errorf("printed %q, want a and b", out.String())
	}
	wantAsked := []string{"@", "@", "2@", "2@t1", "2@t1", "2@t1", "2@t2"}
	if strings.Join(api.asked, " ") != strings.Join(wantAsked, " ") {
		t.Errorf("asked %v, want %v", api.asked, wantAsked)
	}
	wantWaits := []time.Duration{500 * time.Millisecond, time.Second, 500 * time.Millisecond, time.Second}
	if len(waits) != len(wantWaits) {
		t.Fatalf("waited %v, want %v", waits, wantWaits)
	}
	for i := range waits {
		if waits[i] != wantWaits[i] {
			t.Errorf("waited %v, want %v", waits, wantWaits)
			break
		}
	}
}

// TestFollowLogStepNeverRan: a run that ended without the step is an
// error naming it, not an endless wait.
func TestFollowLogStepNeverRan(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"error": "not found: run r1 has no attempt of step fit"}`, http.StatusNotFound)
	}))
	defer srv.Close()
	o := &logsOptions{clientOptions: clientOptions{server: srv.URL, env: "dev"},
		wait: func(context.Context, time.Duration) error { t.Fatal("waited"); return nil }}
	err := o.followLog(context.Background(), &strings.Builder{}, "r1", "fit")
	if err == nil || !strings.Contains(err.Error(), "no attempt of step fit") {
		t.Errorf("err = %v, want the daemon's 404 naming the step", err)
	}
}
