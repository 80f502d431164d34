package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/internal/logsfake"
)

// TestDaemonKumoRunRecordedAndLogs, on AWS (kumo, the Step Functions
// and Batch fakes, CloudWatch Logs served by internal/logsfake): a run
// started with sluice run is in the run store as soon as it is started,
// with the revision, spec hash and every parameter (the default too,
// which no event carries); its step's job events (delivered to the run
// events queue as EventBridge would) record the job's log stream, which
// sluice logs reads and --follow follows until the job ended; the
// step's duration and the run's end are counted from the events.
func TestDaemonKumoRunRecordedAndLogs(t *testing.T) {
	w := startAWS(t)
	w.sfn.DeletingPolls = 0
	settleEvery(t, w, 300*time.Millisecond)
	cw := logsfake.Start()
	t.Cleanup(cw.Close)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", cw.URL)
	t.Setenv("SLUICE_TEST_API_TOKEN", "token")
	t.Setenv("SLUICE_TOKEN", "token")
	files := crashFiles(1, 1)
	files[crashPipelinePath(0)] = strings.Replace(files[crashPipelinePath(0)], "spec:\n",
		"spec:\n  parameters:\n    epochs: {type: integer, default: 3}\n    lr: {type: number, default: 0.1}\n", 1)
	bare := gitserver.NewRepo(t, files, "dev")
	config := daemonConfig(t, gitserver.FileURL(bare), filepath.Join(t.TempDir(), "state.db"))
	_, server := startDaemonProcess(t, config)
	head := gitserver.Head(t, bare, "dev")
	waitSynced(t, server, head, 3*time.Minute)
	client := []string{"--env", "dev", "--server", server}

	if code, out, errOut := runCLI(t, append([]string{"run", "p000", "--name", "r1", "--detach", "-p", "lr=0.5"}, client...)...); code != exitOK {
		t.Fatalf("sluice run --detach: exit %d\n%s%s", code, out, errOut)
	}
	r := show(t, client, "r1")
	var params map[string]any
	_ = json.Unmarshal(r.Parameters, &params)
	if r.Revision != head || r.SpecHash == "" || r.Backend != "aws" || params["epochs"] != float64(3) || params["lr"] != 0.5 {
		t.Errorf("run r1 as recorded at its start: %+v with %s; want revision %s, a spec hash, epochs 3 (the default) and lr 0.5",
			r.RunRecord, r.Parameters, head)
	}

	stream := "crash-dev-p000-s0/default/t1"
	sendEvent(t, w, jobStateChange("r1", "RUNNING", stream, 0))
	waitShown(t, client, "r1", func(d sluice.RunDetail) bool { return len(d.Attempts) == 1 && d.Attempts[0].Log != "" })
	cw.Append("/aws/batch/job", stream, "epoch 1", "epoch 2")
	code, out, errOut := runCLI(t, append([]string{"logs", "r1", "s0"}, client...)...)
	if code != exitOK || out != "epoch 1\nepoch 2\n" {
		t.Errorf("sluice logs r1 s0: exit %d, %q, want both lines\n%s", code, out, errOut)
	}

	logs := &lockedBuffer{}
	following := runAsync(append([]string{"logs", "r1", "s0", "--follow"}, client...), logs)
	waitOutput(t, logs, "epoch 2\n", following)
	cw.Append("/aws/batch/job", stream, "done")
	calls := cw.Calls("GetLogEvents")
	sendEvent(t, w, jobStateChange("r1", "SUCCEEDED", stream, 90*time.Second))
	if code := <-following; code != exitOK || logs.String() != "epoch 1\nepoch 2\ndone\n" {
		t.Errorf("sluice logs --follow: exit %d, %q; want the three lines, and the end with the job", code, logs)
	}
	if cw.Calls("GetLogEvents") == calls {
		t.Error("the follower ended without reading the stream after the job ended")
	}

	states := awssfn.NewFromConfig(w.kumo.Config, func(o *awssfn.Options) { o.BaseEndpoint = aws.String(w.sfn.URL) })
	sendExecutionEvent(t, w, describeUntilDone(t, states, r.ID))
	waitListed(t, server, "r1", "SUCCEEDED")
	m := scrapeMetrics(t, server)
	for _, want := range []string{
		`sluice_step_duration_seconds_count{environment="dev",pipeline="p000",status="succeeded",step="s0"} 1`,
		`sluice_step_duration_seconds_sum{environment="dev",pipeline="p000",status="succeeded",step="s0"} 90`,
		`sluice_executions_total{environment="dev",pipeline="p000",status="succeeded"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// jobStateChange is a Batch job state change of step s0 of run r of
// p000 (AWS Batch user guide, "Job state change events"), with the
// variables Sluice's state machines set on its jobs; took is how long
// the job ran when it ended.
func jobStateChange(run, status, stream string, took time.Duration) string {
	started := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	container := map[string]any{"logStreamName": stream, "environment": []map[string]string{
		{"name": "SLUICE_ENVIRONMENT", "value": "dev"}, {"name": "SLUICE_PIPELINE", "value": "p000"},
		{"name": "SLUICE_RUN_ID", "value": run}, {"name": "SLUICE_STEP", "value": "s0"}}}
	detail := map[string]any{"jobId": run + "-s0", "jobArn": "arn:aws:batch:us-east-1:000000000000:job/" + run + "-s0",
		"jobName": "crash-dev-p000-s0", "status": status, "startedAt": started.UnixMilli(), "container": container}
	if took > 0 {
		detail["stoppedAt"] = started.Add(took).UnixMilli()
		container["exitCode"] = 0
	}
	b, _ := json.Marshal(map[string]any{"version": "0", "id": run + "-s0-" + status, "source": "aws.batch",
		"detail-type": "Batch Job State Change", "time": started.Add(took).Format(time.RFC3339), "region": "us-east-1", "detail": detail})
	return string(b)
}

// sendEvent puts body on the environment's run events queue.
func sendEvent(t *testing.T, w *awsWorld, body string) {
	t.Helper()
	ctx := context.Background()
	q := sqs.NewFromConfig(w.kumo.Config)
	queues, err := q.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("crash-dev-")})
	if err != nil || len(queues.QueueUrls) != 1 {
		t.Fatalf("run events queue: %v, %v; want one crash-dev- queue", queues, err)
	}
	if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &queues.QueueUrls[0], MessageBody: &body}); err != nil {
		t.Fatal(err)
	}
}

// show returns the run name as sluice runs show --format json says.
func show(t *testing.T, client []string, name string) sluice.RunDetail {
	t.Helper()
	var r sluice.RunDetail
	code, out, errOut := runCLI(t, append([]string{"runs", "show", name, "--format", "json"}, client...)...)
	if err := json.Unmarshal([]byte(out), &r); code != exitOK || err != nil {
		t.Fatalf("sluice runs show %s: exit %d, %v\n%s%s", name, code, err, out, errOut)
	}
	return r
}

// waitShown polls sluice runs show until the run name is as until
// wants (at most a minute) and returns it.
func waitShown(t *testing.T, client []string, name string, until func(sluice.RunDetail) bool) sluice.RunDetail {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		r := show(t, client, name)
		if until(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s never as wanted: %+v", name, r)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
