package daemon_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/logs"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/internal/logsfake"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// logRig is a daemon with a run store and CloudWatch Logs served by
// the fake.
type logRig struct {
	h     *harness
	store sluice.RunStore
	cw    *logsfake.Server
}

func newLogRig(t *testing.T) *logRig {
	t.Helper()
	return newLogRigWith(t, harnessOptions{})
}

// newLogRigWith is newLogRig with the daemon run as o says (its change
// is applied before the rig's own).
func newLogRigWith(t *testing.T, o harnessOptions) *logRig {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	cw := logsfake.Start()
	t.Cleanup(cw.Close)
	client := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "eu-west-1", BaseEndpoint: aws.String(cw.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	bare := gitserver.NewRepo(t, demoFiles(t), "dev")
	change := o.change
	o.change = func(opts *daemon.Options) {
		if change != nil {
			change(opts)
		}
		opts.Runs = store
		opts.Logs = func(context.Context, config.Environment, awsapi.Recorder) (sluice.LogReader, error) {
			return &logs.Reader{API: client, Limit: 2}, nil
		}
	}
	h := startDaemonWith(t, dir, configText(dir, gitserver.FileURL(bare), time.Hour), o)
	return &logRig{h: h, store: store, cw: cw}
}

// part is a log part as the API serves it.
type part struct {
	code                             int
	text, next, end, attempt, status string
	runStatus                        string
}

func (r *logRig) part(t *testing.T, run, step, token string) part {
	t.Helper()
	q := url.Values{"page": {""}, "token": {token}}
	req, _ := http.NewRequest(http.MethodGet, r.h.api.URL+"/api/v1/environments/dev/runs/"+run+"/steps/"+step+"/log?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	h := resp.Header
	return part{code: resp.StatusCode, text: string(b), next: h.Get("Sluice-Log-Next"), end: h.Get("Sluice-Log-End"),
		attempt: h.Get("Sluice-Log-Attempt"), status: h.Get("Sluice-Log-Status"), runStatus: h.Get("Sluice-Log-Run-Status")}
}

func (r *logRig) put(t *testing.T, run sluice.RunRecord, as ...sluice.AttemptRecord) {
	t.Helper()
	ctx := context.Background()
	if err := r.store.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if err := r.store.PutAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
}

const fitStream = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/batch/job:log-stream:fit/default/t1"

// TestRunLogFromCloudWatch follows a step of a run on AWS through the
// API as its attempt goes: no log location yet, a stream not created
// yet, lines paged two at a time, the end reached and passed again as
// lines come, and the attempt's end. The whole log is served without
// ?page, and every part costs one GetLogEvents call.
func TestRunLogFromCloudWatch(t *testing.T) {
	r := newLogRig(t)
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	run := sluice.RunRecord{ID: "arn:aws:states:eu-west-1:123456789012:execution:churn-dev-training:r1", Name: "r1",
		Pipeline: "training", Environment: "dev", Backend: "aws", Status: sluice.ExecutionRunning, Started: t0}
	fit := sluice.AttemptRecord{RunID: run.ID, Step: "fit", Path: "fit", Attempt: 1, Status: sluice.ExecutionRunning, Started: t0}
	r.put(t, run, fit)

	if p := r.part(t, "r1", "evaluate", ""); p.code != http.StatusOK || p.end != "true" || p.attempt != "0" || p.runStatus != "RUNNING" {
		t.Errorf("a step not started while its run runs: %+v, want an empty part at the end, attempt 0", p)
	}
	if p := r.part(t, "r1", "fit", ""); p.code != http.StatusOK || p.text != "" || p.end != "true" || p.status != "RUNNING" || p.attempt != "1" {
		t.Errorf("no log location yet: %+v, want an empty part at the end of attempt 1, RUNNING", p)
	}
	fit.Log = fitStream
	r.put(t, run, fit)
	if p := r.part(t, "r1", "fit", ""); p.code != http.StatusOK || p.text != "" || p.end != "true" {
		t.Errorf("the stream not created yet: %+v, want an empty part at the end", p)
	}
	r.cw.Append("/aws/batch/job", "fit/default/t1", "epoch 1", "epoch 2", "epoch 3")
	calls := r.cw.Calls("GetLogEvents")
	var text string
	token := ""
	var p part
	for range 10 {
		if p = r.part(t, "r1", "fit", token); p.end == "true" {
			break
		}
		text, token = text+p.text, p.next
	}
	if text != "epoch 1\nepoch 2\nepoch 3\n" || p.end != "true" || p.next != token || r.cw.Calls("GetLogEvents")-calls != 3 {
		t.Errorf("paged %q, ending %+v after %d calls; want the three lines in 3 calls (2, 1, then the end)", text, p, r.cw.Calls("GetLogEvents")-calls)
	}
	r.cw.Append("/aws/batch/job", "fit/default/t1", "done")
	fit.Status, fit.Stopped = sluice.ExecutionSucceeded, t0.Add(time.Minute)
	r.put(t, run, fit)
	if p := r.part(t, "r1", "fit", token); p.text != "done\n" || p.end != "false" || p.status != "SUCCEEDED" {
		t.Errorf("after the attempt ended: %+v, want the last line", p)
	}

	code, body := r.get(t, "/api/v1/environments/dev/runs/r1/steps/fit/log")
	if code != http.StatusOK || body != "epoch 1\nepoch 2\nepoch 3\ndone\n" {
		t.Errorf("the whole log: %d %q", code, body)
	}
	gone := sluice.AttemptRecord{RunID: run.ID, Step: "eval", Path: "eval", Attempt: 1, Status: sluice.ExecutionFailed,
		Started: t0, Stopped: t0, Log: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/batch/job:log-stream:gone"}
	r.put(t, run, gone)
	if p := r.part(t, "r1", "eval", ""); p.code != http.StatusNotFound {
		t.Errorf("an ended attempt whose stream does not exist: %+v, want 404", p)
	}
}

func (r *logRig) get(t *testing.T, path string) (int, string) {
	t.Helper()
	return r.h.request(http.MethodGet, path, testToken, "", nil)
}

// TestRunLogLocalFile follows a local step's log file: a last line
// without its newline is held back while the attempt runs (a secret
// written in two parts is masked whole), and served once it ended.
func TestRunLogLocalFile(t *testing.T) {
	r := newLogRig(t)
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	file := filepath.Join(t.TempDir(), "fit.log")
	if err := os.WriteFile(file, []byte("one\ntw"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := sluice.RunRecord{ID: "local:r2", Name: "r2", Pipeline: "training", Environment: "dev", Backend: "local",
		Status: sluice.ExecutionRunning, Started: t0}
	fit := sluice.AttemptRecord{RunID: run.ID, Step: "fit", Path: "fit", Attempt: 1, Status: sluice.ExecutionRunning, Started: t0, Log: file}
	r.put(t, run, fit)
	p := r.part(t, "r2", "fit", "")
	if p.text != "one\n" || p.end != "true" || p.next != "4" {
		t.Fatalf("a running step's file: %+v, want its whole lines, at the end, next at 4", p)
	}
	fit.Status, fit.Stopped = sluice.ExecutionFailed, t0.Add(time.Second)
	r.put(t, run, fit)
	if p := r.part(t, "r2", "fit", p.next); p.text != "tw" || p.end != "true" || p.status != "FAILED" {
		t.Errorf("once ended: %+v, want the rest", p)
	}
	if p := r.part(t, "r2", "fit", "x"); p.code != http.StatusBadRequest {
		t.Errorf("a token that is not an offset: %+v, want 400", p)
	}
}
