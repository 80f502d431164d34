package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
)

// logView is the log page's content.
type logView struct {
	Env      string
	Pipeline string
	Run      Run
	Step     stepView
	// Attempts are the step's attempts to choose from: each retry of
	// each foreach copy, in the order they started.
	Attempts []attemptChoice
	Text     string
	// Skipped counts the bytes of the log's beginning not shown.
	Skipped int64
	Problem string
	// Events is the stream of the lines that follow, while the attempt
	// runs ("" once it ended); From is the offset in the log where Text
	// ends, which the stream goes on from.
	Events string
	From   int64
}

// attemptChoice is an attempt the log page links to.
type attemptChoice struct {
	Label, Href, Status string
	Current             bool
}

func (d *Daemon) logPage(w http.ResponseWriter, r *http.Request) {
	env, pipeline, name := r.PathValue("env"), r.PathValue("pipeline"), r.PathValue("name")
	run, i, err := d.runStep(r.Context(), env, pipeline, name, r.PathValue("step"))
	if err != nil {
		d.pageError(w, r, err)
		return
	}
	s, base := run.Steps[i], stepsBase(env, pipeline, name)
	v := logView{Env: env, Pipeline: pipeline, Run: run, Step: stepView{Index: i, StepRun: s, Label: stepLabel(s)},
		Attempts: attemptChoices(run, i, base)}
	if s.OriginRun != "" {
		v.Step.Origin, v.Step.OriginLink = nameOf(s.OriginRun), "/ui/env/"+url.PathEscape(env)+"/pipelines/"+
			url.PathEscape(pipeline)+"/runs/"+url.PathEscape(nameOf(s.OriginRun))
	}
	key := logKey{env: env, run: run.ID, path: stepPath(s), attempt: s.Attempt}
	var st logState
	switch ended, ok := d.logFeeds.ended(key); {
	case ok:
		st = ended
	case s.Status == sluice.ExecutionRunning && !run.Done():
		st, err = d.firstRead(r.Context(), key, d.logPartReader(env, pipeline, name, run, s))
		if err == nil && !st.Done {
			v.Events, v.From = r.URL.Path+"/events", st.End
		}
	default:
		st, err = d.wholeLog(r.Context(), env, run, s)
	}
	if err != nil {
		v.Problem = err.Error()
	}
	v.Text, v.Skipped = string(st.Text), st.From
	d.render(w, r, http.StatusOK, "log", pageData{Title: "Log of " + v.Step.Label, Body: v})
}

// runStep reads a run for a page and the index of its step that
// step (a number) names; ErrNotFound when there is no such step.
func (d *Daemon) runStep(ctx context.Context, env, pipeline, name, step string) (Run, int, error) {
	run, err := d.readRun(ctx, env, pipeline, name)
	if err != nil {
		return Run{}, 0, err
	}
	i, err := strconv.Atoi(step)
	if err != nil || i < 0 || i >= len(run.Steps) {
		return Run{}, 0, fmt.Errorf("%w: run %s has no step %q", ErrNotFound, name, step)
	}
	return run, i, nil
}

// stepsBase is the path the pages of a run's steps start with.
func stepsBase(env, pipeline, name string) string {
	return "/ui/env/" + url.PathEscape(env) + "/pipelines/" + url.PathEscape(pipeline) + "/runs/" + url.PathEscape(name) + "/steps/"
}

// stepPath is an attempt's path, or its step's name.
func stepPath(s sluice.StepRun) string {
	if s.Path != "" {
		return s.Path
	}
	return s.State
}

// attemptChoices lists the attempts of the step of run.Steps[i]: each
// named by its attempt number and, when the step has several foreach
// copies, the copy's index.
func attemptChoices(run Run, i int, base string) []attemptChoice {
	state := run.Steps[i].State
	paths := map[string]bool{}
	for _, s := range run.Steps {
		if s.State == state {
			paths[stepPath(s)] = true
		}
	}
	var out []attemptChoice
	for j, s := range run.Steps {
		if s.State != state {
			continue
		}
		label := "attempt " + strconv.Itoa(max(s.Attempt, 1))
		if len(paths) > 1 {
			label = "copy " + copyIndex(stepPath(s)) + ", " + label
		}
		if s.OriginRun != "" {
			label += " (reused)"
		}
		out = append(out, attemptChoice{Label: label, Href: base + strconv.Itoa(j) + "/log", Status: s.Status, Current: j == i})
	}
	return out
}

// copyIndex is a foreach copy's indexes in its path, outermost first:
// "2" for start.foreach/2/work, "1/3" for a.foreach/1/b.foreach/3/c.
func copyIndex(path string) string {
	var idx []string
	for _, seg := range strings.Split(path, "/") {
		if _, err := strconv.Atoi(seg); err == nil {
			idx = append(idx, seg)
		}
	}
	if len(idx) == 0 {
		return path
	}
	return strings.Join(idx, "/")
}

// logPartReader returns what reads the parts of step s's log in run,
// secrets masked: RunLogPart, as the API serves them, when the run
// store records env's runs; otherwise the run, which the daemon keeps
// in memory, is read again each time for the attempt's status.
func (d *Daemon) logPartReader(env, pipeline, name string, run Run, s sluice.StepRun) func(context.Context, string) (LogPart, error) {
	path := stepPath(s)
	if d.recordsRuns(env) {
		return func(ctx context.Context, token string) (LogPart, error) {
			return d.RunLogPart(ctx, env, run.ID, path, s.Attempt, token)
		}
	}
	return func(ctx context.Context, token string) (LogPart, error) {
		now, err := d.runs().Run(ctx, env, pipeline, name)
		if err != nil {
			return LogPart{}, err
		}
		a, ok := findStep(now, path, s.Attempt)
		if !ok {
			return LogPart{}, fmt.Errorf("%w: run %s has no attempt %d of step %s", ErrNotFound, name, s.Attempt, path)
		}
		backend, err := d.backendOf(env)
		if err != nil {
			return LogPart{}, err
		}
		return d.attemptLogPart(ctx, env, logAttempt{backend: backend, runStatus: now.Status, step: path,
			attempt: a.Attempt, status: a.Status, log: a.Log}, token)
	}
}

// findStep returns the step of run at path numbered attempt.
func findStep(run Run, path string, attempt int) (sluice.StepRun, bool) {
	for _, s := range run.Steps {
		if stepPath(s) == path && s.Attempt == attempt {
			return s, true
		}
	}
	return sluice.StepRun{}, false
}

// backendOf returns env's backend.
func (d *Daemon) backendOf(env string) (string, error) {
	w, err := d.env(env)
	if err != nil {
		return "", err
	}
	return string(w.cfg.Backend), nil
}

// firstRead follows the log feed of key until it has read what was
// written (or ended), and returns what it read.
func (d *Daemon) firstRead(ctx context.Context, key logKey, read func(context.Context, string) (LogPart, error)) (logState, error) {
	state, leave := d.logFeeds.follow(key, read)
	defer leave()
	for {
		s := state(0)
		if s.Caught || s.Done {
			return s, s.Err
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-s.Wake:
		}
	}
}

// wholeLog reads the log of an attempt that ended, secrets masked, as
// the API serves it (RunLog): of a local file its end, of a CloudWatch
// Logs stream its beginning (at most 4 MiB); the last maxLogShown bytes
// of it are kept.
func (d *Daemon) wholeLog(ctx context.Context, env string, run Run, s sluice.StepRun) (logState, error) {
	var b []byte
	var err error
	switch {
	case d.recordsRuns(env):
		b, err = d.RunLog(ctx, env, run.ID, stepPath(s), s.Attempt)
	case s.Log == "":
		err = errors.New("the backend recorded no log for this step")
	default:
		var backend string
		if backend, err = d.backendOf(env); err == nil {
			b, err = d.attemptLog(ctx, env, backend, s.Log)
		}
	}
	if err != nil {
		return logState{}, err
	}
	b = d.redact.Bytes(b)
	skipped := max(len(b)-maxLogShown, 0)
	return logState{Text: b[skipped:], From: int64(skipped), End: int64(len(b)), Read: true, Done: true}, nil
}

// logEvent is a "lines" event of a log's stream: the text that follows
// in the log, and how many bytes before it were skipped (the follower
// fell behind the part the daemon keeps). Its ID is the offset where
// the text ends, which a reconnecting browser sends back.
type logEvent struct {
	Text    string `json:"text"`
	Skipped int64  `json:"skipped,omitempty"`
	end     int64
}

func (e logEvent) eventID() string { return strconv.FormatInt(e.end, 10) }

// logEvents streams the lines a running attempt writes: "lines" events
// from the offset ?from= (or the Last-Event-ID a reconnecting browser
// sends), an "end" with the attempt's status once it ended and its log
// is read to the end, a "failed" when the log cannot be read. The log
// is read by the reader every follower of it shares (logFeeds). It
// counts among the event streams the broker bounds.
func (d *Daemon) logEvents(w http.ResponseWriter, r *http.Request) {
	env, pipeline, name := r.PathValue("env"), r.PathValue("pipeline"), r.PathValue("name")
	run, i, err := d.runStep(r.Context(), env, pipeline, name, r.PathValue("step"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	from, err := logOffset(r)
	if err != nil {
		d.writeError(w, err)
		return
	}
	_, cancel, ok := d.broker.subscribe()
	if !ok {
		d.writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "too many event streams open"})
		return
	}
	defer cancel()
	s := run.Steps[i]
	state, leave := d.logFeeds.follow(logKey{env: env, run: run.ID, path: stepPath(s), attempt: s.Attempt},
		d.logPartReader(env, pipeline, name, run, s))
	defer leave()
	stream(w, func(send func(string, any) error) error { return d.sendLog(r.Context(), state, from, send) })
}

// sendLog sends a feed's text from offset from on as it grows, then its
// end, with a keep-alive comment while nothing comes.
func (d *Daemon) sendLog(ctx context.Context, state func(int64) logState, from int64, send func(string, any) error) error {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		s := state(from)
		if s.Err != nil {
			return send("failed", map[string]string{"error": s.Err.Error()})
		}
		if s.Read && (len(s.Text) > 0 || s.From > from) {
			if err := send("lines", logEvent{Text: string(s.Text), Skipped: s.From - from, end: s.End}); err != nil {
				return err
			}
			from = s.End
		}
		if s.Done {
			return send("end", map[string]string{"status": s.Status})
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.workContext().Done():
			return nil
		case <-s.Wake:
		case <-tick.C:
			if err := send("", nil); err != nil {
				return err
			}
		}
	}
}

// logOffset is where a log stream starts: the Last-Event-ID header a
// reconnecting browser sends, else ?from=, else 0.
func logOffset(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("from")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errBadRequest(fmt.Sprintf("log offset %q: not a number of bytes", v))
	}
	return n, nil
}
