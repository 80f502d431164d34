package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/daemon/config"
)

// LogConnector builds the reader of an AWS environment's step logs
// (CloudWatch Logs) on the clients and shared limiter of its AWS
// configuration. rec counts every AWS call the reader makes.
type LogConnector func(ctx context.Context, env config.Environment, rec awsapi.Recorder) (sluice.LogReader, error)

// LogPart is a part of a step attempt's log as the API serves it, with
// what a follower needs to know whether more can come: the attempt read
// and its status, and the run's, as they were before the part was read.
type LogPart struct {
	sluice.LogPage
	// Attempt is the attempt read; 0 when the step has none yet.
	Attempt int
	// Status is the attempt's status, "" when it has none yet;
	// RunStatus the run's.
	Status, RunStatus string
}

// maxLogPage bounds the bytes of one page of a local log file.
const maxLogPage = 1 << 20

// logReaders caches each AWS environment's log reader, made for its
// AWS settings of the configuration applied.
type logReaders struct {
	mu sync.Mutex
	by map[string]cachedReader
}

type cachedReader struct {
	aws    *config.AWS
	reader sluice.LogReader
}

// RunLogPart returns the part of the log of a step's attempt of a run
// of env that follows token (see sluice.LogReader; "" reads from the
// beginning); attempt 0 is the step's last attempt. The statuses are
// read before the log, so a part at the End whose attempt had ended is
// the whole log. A step with no attempt yet, an attempt with no log yet
// (a Batch job's stream is created when its container starts), or a log
// the backend has not created yet, is an empty part at the End while
// the attempt or its run runs. It fails with ErrNotFound for an unknown
// run, step or attempt, or a log that does not exist once the attempt
// ended; ErrConflict when the backend's logs cannot be read.
func (d *Daemon) RunLogPart(ctx context.Context, env, id, step string, attempt int, token string) (LogPart, error) {
	r, err := d.RecordedRun(ctx, env, id)
	if err != nil {
		return LogPart{}, err
	}
	part := LogPart{RunStatus: r.Status, LogPage: sluice.LogPage{Next: token, End: true}}
	a := findAttempt(r, step, attempt)
	switch {
	case a == nil && (attempt != 0 || r.Status != sluice.ExecutionRunning):
		return LogPart{}, fmt.Errorf("%w: run %s has no attempt of step %s", ErrNotFound, id, step)
	case a == nil:
		return part, nil
	}
	return d.attemptLogPart(ctx, env, logAttempt{backend: r.Backend, runStatus: r.Status, step: step,
		attempt: a.Attempt, status: a.Status, log: a.Log}, token)
}

// logAttempt is the attempt whose log is read: the run's backend and
// status, and the attempt's step, number, status and log location.
type logAttempt struct {
	backend, runStatus, step string
	attempt                  int
	status, log              string
}

// attemptLogPart is RunLogPart once the attempt is found: it reads the
// part of a's log that follows token, as RunLogPart says.
func (d *Daemon) attemptLogPart(ctx context.Context, env string, a logAttempt, token string) (LogPart, error) {
	part := LogPart{RunStatus: a.runStatus, LogPage: sluice.LogPage{Next: token, End: true}, Attempt: a.attempt, Status: a.status}
	running := a.status == sluice.ExecutionRunning
	if a.log == "" {
		if running {
			return part, nil
		}
		return LogPart{}, fmt.Errorf("%w: step %s's attempt %d has no log", ErrNotFound, a.step, a.attempt)
	}
	reader, err := d.logReader(ctx, env, a.backend, !running)
	if err != nil {
		return LogPart{}, err
	}
	page, err := reader.ReadLog(ctx, a.log, token)
	switch {
	case sluice.KindOf(err) == sluice.KindNotFound && running:
		return part, nil
	case sluice.KindOf(err) == sluice.KindNotFound:
		return LogPart{}, fmt.Errorf("%w: step %s's attempt %d: %w", ErrNotFound, a.step, a.attempt, err)
	case sluice.KindOf(err) == sluice.KindInvalid:
		return LogPart{}, errBadRequest(err.Error())
	case err != nil:
		return LogPart{}, err
	}
	page.Text = d.redact.Bytes(page.Text)
	part.LogPage = page
	return part, nil
}

// findAttempt returns the attempt of step (a name or a path) numbered
// attempt, or its last one for 0; nil when there is none.
func findAttempt(r sluice.RunDetail, step string, attempt int) *sluice.AttemptRecord {
	var found *sluice.AttemptRecord
	for i, a := range r.Attempts {
		if (a.Step == step || a.Path == step) && (attempt == 0 || a.Attempt == attempt) {
			found = &r.Attempts[i]
		}
	}
	return found
}

// logReader returns the reader of env's logs on backend: files the
// local backend wrote (complete: the attempt ended, its last line may
// lack a newline), or CloudWatch Logs through Options.Logs.
func (d *Daemon) logReader(ctx context.Context, env, backend string, complete bool) (sluice.LogReader, error) {
	switch config.Backend(backend) {
	case config.BackendLocal:
		return fileLog{complete: complete}, nil
	case config.BackendAWS:
	default:
		return nil, fmt.Errorf("%w: the daemon cannot read logs of backend %q", ErrConflict, backend)
	}
	w, err := d.env(env)
	if err != nil {
		return nil, err
	}
	if d.opts.Logs == nil {
		return nil, fmt.Errorf("%w: this daemon does not read CloudWatch Logs", ErrConflict)
	}
	d.logs.mu.Lock()
	defer d.logs.mu.Unlock()
	if c, ok := d.logs.by[env]; ok && c.aws == w.cfg.AWS {
		return c.reader, nil
	}
	reader, err := d.opts.Logs(ctx, w.cfg, d.metrics)
	if err != nil {
		return nil, err
	}
	if d.logs.by == nil {
		d.logs.by = map[string]cachedReader{}
	}
	d.logs.by[env] = cachedReader{aws: w.cfg.AWS, reader: reader}
	return reader, nil
}

// fileLog reads a local backend's log files; a token is the byte offset
// to read on from.
type fileLog struct {
	// complete: the file is written to the end. Otherwise a last line
	// without its newline yet is held back, so that a secret value
	// written in two parts is masked whole.
	complete bool
}

// ReadLog reads at most 1 MiB of the file at path from the offset
// token. It fails with KindNotFound when there is no such file.
func (f fileLog) ReadLog(_ context.Context, path, token string) (sluice.LogPage, error) {
	off := int64(0)
	if token != "" {
		n, err := strconv.ParseInt(token, 10, 64)
		if err != nil || n < 0 {
			return sluice.LogPage{}, sluice.E("read log", sluice.KindInvalid, fmt.Errorf("token %q: not an offset", token))
		}
		off = n
	}
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return sluice.LogPage{}, sluice.E("read log", sluice.KindNotFound, err)
	}
	if err != nil {
		return sluice.LogPage{}, err
	}
	defer func() { _ = file.Close() }()
	buf := make([]byte, maxLogPage)
	n, err := file.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return sluice.LogPage{}, err
	}
	text, atEOF := buf[:n], n < maxLogPage
	if !f.complete && atEOF {
		text = text[:lastLineEnd(text)]
	}
	return sluice.LogPage{Text: text, Next: strconv.FormatInt(off+int64(len(text)), 10), End: atEOF}, nil
}

// lastLineEnd is the length of b up to its last newline, included.
func lastLineEnd(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			return i + 1
		}
	}
	return 0
}

// logHead reads the log at loc from its beginning, page after page,
// until its end or n bytes.
func (d *Daemon) logHead(ctx context.Context, env, backend, loc string, n int) ([]byte, error) {
	reader, err := d.logReader(ctx, env, backend, true)
	if err != nil {
		return nil, err
	}
	var out []byte
	token := ""
	for len(out) < n {
		page, err := reader.ReadLog(ctx, loc, token)
		if sluice.KindOf(err) == sluice.KindNotFound {
			return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, page.Text...)
		if page.End {
			break
		}
		token = page.Next
	}
	return out[:min(len(out), n)], nil
}

// Headers of a log part (GET .../log?page): where to read on, whether
// it is the end of what was written, and the attempt's and run's status
// before it was read.
const (
	headerLogNext      = "Sluice-Log-Next"
	headerLogEnd       = "Sluice-Log-End"
	headerLogAttempt   = "Sluice-Log-Attempt"
	headerLogStatus    = "Sluice-Log-Status"
	headerLogRunStatus = "Sluice-Log-Run-Status"
)

func (d *Daemon) getRunLogPart(w http.ResponseWriter, r *http.Request, attempt int) {
	part, err := d.RunLogPart(r.Context(), r.PathValue("env"), r.PathValue("id"), r.PathValue("step"), attempt,
		r.URL.Query().Get("token"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set(headerLogNext, part.Next)
	h.Set(headerLogEnd, strconv.FormatBool(part.End))
	h.Set(headerLogAttempt, strconv.Itoa(part.Attempt))
	h.Set(headerLogStatus, part.Status)
	h.Set(headerLogRunStatus, part.RunStatus)
	_, _ = w.Write(part.Text)
}
