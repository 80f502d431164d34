package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// logTail is how many of a failed job's last log lines its failure
// cause quotes.
const logTail = 20

// jobDescription is a finished job in the shape of Batch's DescribeJobs,
// which is what a submitJob.sync task returns on Step Functions.
type jobDescription struct {
	JobArn        string          `json:"JobArn"`
	JobID         string          `json:"JobId"`
	JobName       string          `json:"JobName"`
	JobQueue      string          `json:"JobQueue"`
	JobDefinition string          `json:"JobDefinition"`
	Status        string          `json:"Status"`
	StatusReason  string          `json:"StatusReason,omitempty"`
	CreatedAt     int64           `json:"CreatedAt"`
	StartedAt     int64           `json:"StartedAt,omitempty"`
	StoppedAt     int64           `json:"StoppedAt,omitempty"`
	Container     containerDetail `json:"Container"`
}

// containerDetail is the container part of a job description.
type containerDetail struct {
	Image         string   `json:"Image,omitempty"`
	Command       []string `json:"Command"`
	Vcpus         float64  `json:"Vcpus"`
	ExitCode      *int     `json:"ExitCode,omitempty"`
	Reason        string   `json:"Reason,omitempty"`
	LogStreamName string   `json:"LogStreamName"`
}

// RunTask runs a batch:submitJob.sync (or batch:submitJob) task as a
// local process: the job definition and queue are looked up in the
// stored records, the job waits for vCPU slots in the queue's compute
// environment, then its command runs in Options.Workdir with the
// definition's and the overrides' environment, every s3://BUCKET in the
// environment and the command rewritten to the local bucket's directory.
// Its output goes to jobs/JOBID.log.
//
// It returns the job's description, shaped like Batch's DescribeJobs
// (JobId, JobName, Status SUCCEEDED, Container.ExitCode, ...); for
// batch:submitJob, which on AWS returns once the job is submitted, it
// waits all the same and returns JobArn, JobId and JobName. A job that
// exits non-zero is an *asl.Failure named States.TaskFailed whose cause
// names the log file and quotes its last lines; an unknown queue or
// definition is Batch.ClientException; another resource is
// States.Runtime.
//
// RunTask also answers aws-sdk:s3:getObject tasks (how compiled pipelines
// read a step's outputs.json) from the local object: {"Body": TEXT,
// "ContentLength": N}, or an S3.NoSuchKeyException failure. When ctx ends, the job's process group is killed and
// ctx's error returned.
func (w *World) RunTask(ctx context.Context, t asl.Task) (json.RawMessage, error) {
	switch t.Resource {
	case ResourceSubmitJobSync, ResourceSubmitJob:
		return w.runJob(ctx, t, nil)
	case ResourceSDKGetObject:
		return w.getObject(t.Parameters)
	}
	return nil, &asl.Failure{Name: "States.Runtime", Cause: fmt.Sprintf("the local backend cannot run tasks of resource %q", t.Resource)}
}

// runJob runs a batch:submitJob task; see RunTask. Once the job has its
// vCPUs and is about to start, started (when not nil) is told the path
// of its log.
func (w *World) runJob(ctx context.Context, t asl.Task, started func(log string)) (json.RawMessage, error) {
	j, err := w.prepare(t)
	if err != nil {
		return nil, err
	}
	j.ID, j.CreatedAt = newJobID(), time.Now().UnixMilli()
	// The World's own SLUICE_RUNS replaces the one the state machine
	// carries (which the daemon fills in on AWS only).
	j.Env = append(slices.DeleteFunc(j.Env, func(kv string) bool { return strings.HasPrefix(kv, "SLUICE_RUNS=") }), w.runsEnv(j.Peers))
	p := w.poolFor(j.ComputeEnvironment, j.PoolVCPUs)
	need := milli(j.VCPUs)
	if need > milli(j.PoolVCPUs) {
		return nil, &asl.Failure{Name: "States.TaskFailed", Cause: fmt.Sprintf("job %s needs %g vCPUs; compute environment %s has %g", j.Name, j.VCPUs, j.ComputeEnvironment, j.PoolVCPUs)}
	}
	if err := p.acquire(ctx, need); err != nil {
		return nil, fmt.Errorf("job %s waiting for vCPUs in %s: %w", j.Name, j.ComputeEnvironment, err)
	}
	defer p.release(need)
	if started != nil {
		started(w.jobLog(j.ID))
	}
	desc, err := w.execute(ctx, j)
	if err != nil {
		return nil, err
	}
	return w.result(j, desc)
}

// result records the job's description and turns it into the task's
// result or failure.
func (w *World) result(j *job, desc jobDescription) (json.RawMessage, error) {
	b, err := json.Marshal(desc)
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(w.dir, jobsDir, j.ID+".json"), b, false); err != nil {
		w.log.Warn("job description not saved", "job", j.ID, "err", err)
	}
	if !j.Sync {
		return json.Marshal(map[string]string{"JobArn": desc.JobArn, "JobId": desc.JobID, "JobName": desc.JobName})
	}
	if desc.Status != "SUCCEEDED" {
		return nil, &asl.Failure{Name: "States.TaskFailed", Cause: fmt.Sprintf("job %s (%s) %s; log %s:\n%s",
			j.Name, j.ID, desc.StatusReason, desc.Container.LogStreamName, tail(desc.Container.LogStreamName, logTail))}
	}
	return b, nil
}

// execute runs the job's command to its end and describes the outcome.
// It fails only when the log cannot be written or ctx ends; a sandbox
// that cannot be set up fails the job, never runs it unsandboxed.
func (w *World) execute(ctx context.Context, j *job) (jobDescription, error) {
	logPath := w.jobLog(j.ID)
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return jobDescription{}, fmt.Errorf("job %s: log: %w", j.Name, err)
	}
	defer func() { _ = logf.Close() }()
	// Everything written to the log (the step's output and Sluice's
	// lines) goes through Options.Redact, so no secret a step printed
	// lands in the file.
	out := newRedactWriter(logf, w.opts.Redact)
	defer func() { _ = out.Close() }()
	w.imageOnce.Do(func() {
		w.log.Info("container images are not pulled: jobs run as local processes", "workdir", w.opts.Workdir, "sandbox", !w.opts.Sandbox.Off)
	})
	desc := jobDescription{JobArn: arn("batch", "job/"+j.ID), JobID: j.ID, JobName: j.Name, JobQueue: j.QueueARN,
		JobDefinition: j.DefinitionARN, CreatedAt: j.CreatedAt, StartedAt: time.Now().UnixMilli(),
		Container: containerDetail{Image: j.Image, Command: j.Command, Vcpus: j.VCPUs, LogStreamName: logPath}}
	if err := w.makeOutputDir(j); err != nil {
		return jobDescription{}, err
	}
	r, err := w.start(ctx, j, out, logPath)
	if err == nil {
		err = r.wait()
	}
	desc.StoppedAt = time.Now().UnixMilli()
	if ctx.Err() != nil {
		fmt.Fprintf(out, "[sluice] job stopped: %v\n", ctx.Err())
		return jobDescription{}, fmt.Errorf("job %s (%s) stopped: %w", j.Name, j.ID, ctx.Err())
	}
	if r != nil {
		desc.Container.Command = r.args
	}
	describeExit(&desc, err)
	fmt.Fprintf(out, "[sluice] job %s: %s\n", desc.Status, desc.StatusReason)
	if err := out.Close(); err != nil {
		return jobDescription{}, fmt.Errorf("job %s: log: %w", j.Name, err)
	}
	return desc, nil
}

// jobLog returns the path of the log of job id.
func (w *World) jobLog(id string) string { return filepath.Join(w.dir, jobsDir, id+".log") }

// describeExit fills in the outcome of the process.
func describeExit(desc *jobDescription, runErr error) {
	var exit *exec.ExitError
	switch {
	case runErr == nil:
		code := 0
		desc.Status, desc.StatusReason, desc.Container.ExitCode = "SUCCEEDED", "Essential container in task exited", &code
	case errors.As(runErr, &exit):
		code := exit.ExitCode()
		desc.Status, desc.Container.ExitCode = "FAILED", &code
		desc.StatusReason = fmt.Sprintf("exited with status %d", code)
		if code < 0 {
			desc.StatusReason = "killed: " + exit.String()
		}
	default:
		desc.Status, desc.StatusReason = "FAILED", "cannot start: "+runErr.Error()
		desc.Container.Reason = desc.StatusReason
	}
}

// header writes what the job runs with at the top of its log.
func (w *World) header(logf io.Writer, j *job, args []string) {
	fmt.Fprintf(logf, "[sluice] job %s (%s) on queue %s, compute environment %s, %g vCPUs, definition %s\n",
		j.Name, j.ID, j.Queue, j.ComputeEnvironment, j.VCPUs, j.DefinitionARN)
	where := "in a sandbox (bubblewrap) as user nobody"
	if w.opts.Sandbox.Off {
		where = "unsandboxed, as Sluice's user"
	}
	fmt.Fprintf(logf, "[sluice] image %s is not pulled: the command runs as a local process %s in %s\n", j.Image, where, w.runDir())
	if len(j.Secrets) > 0 {
		fmt.Fprintf(logf, "[sluice] secrets are not resolved locally; not set: %s\n", strings.Join(j.Secrets, ", "))
	}
	fmt.Fprintf(logf, "[sluice] command: %q\n", args)
}

// tail returns the last n lines of the file at path ("" when unreadable).
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// newJobID returns a random job ID in Batch's UUID form.
func newJobID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
