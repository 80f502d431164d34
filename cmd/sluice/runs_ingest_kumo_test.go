package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// TestDaemonKumoIngestsOutsideRuns: executions started outside Sluice,
// directly on Step Functions, are listed by the daemon's API: one from
// its status change event in the run events queue (the test delivers
// it as EventBridge would, as neither kumo nor the fake delivers
// events), one by the catch-up listing of a restarted daemon. The
// failed one is resumed with `sluice runs resume`, which redrives it;
// resuming the succeeded one is refused with Step Functions' reason.
func TestDaemonKumoIngestsOutsideRuns(t *testing.T) {
	w := startAWS(t)
	w.sfn.DeletingPolls = 0
	settleEvery(t, w, 300*time.Millisecond)
	t.Setenv("SLUICE_TEST_API_TOKEN", "token")
	t.Setenv("SLUICE_TOKEN", "token")
	bare := gitserver.NewRepo(t, crashFiles(1, 2), "dev")
	config := daemonConfig(t, gitserver.FileURL(bare), filepath.Join(t.TempDir(), "state.db"))
	cmd, server := startDaemonProcess(t, config)
	waitSynced(t, server, gitserver.Head(t, bare, "dev"), 3*time.Minute)

	ctx := context.Background()
	states := awssfn.NewFromConfig(w.kumo.Config, func(o *awssfn.Options) { o.BaseEndpoint = aws.String(w.sfn.URL) })
	machines, err := states.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{})
	if err != nil || len(machines.StateMachines) != 1 {
		t.Fatalf("state machines: %v, %v; want the one of p000", machines, err)
	}
	machine := aws.ToString(machines.StateMachines[0].StateMachineArn)
	w.sfn.ScriptExecution("outside-1", sfnfake.Outcome{Tasks: map[string][]sfnfake.Attempt{"s1": {{Error: "States.TaskFailed", Cause: "exit 1"}}}})
	failed := startOutside(t, states, machine, "outside-1")
	if failed.Status != "FAILED" {
		t.Fatalf("outside-1 ended %s, want FAILED", failed.Status)
	}
	sendExecutionEvent(t, w, failed)
	r := waitListed(t, server, "outside-1", "FAILED")
	var params map[string]string
	_ = json.Unmarshal(r.Parameters, &params)
	// The parameters come with the event only: a listing has no input.
	if r.Pipeline != "p000" || r.Backend != "aws" || r.Revision != gitserver.Head(t, bare, "dev") ||
		params["who"] != "console" {
		t.Errorf("outside-1 listed as %+v with parameters %s, want pipeline p000 on aws at the applied revision, from its event", r, r.Parameters)
	}

	// No event for this one: the restarted daemon's first catch-up
	// listing finds it.
	if e := startOutside(t, states, machine, "outside-2"); e.Status != "SUCCEEDED" {
		t.Fatalf("outside-2 ended %s, want SUCCEEDED", e.Status)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("the daemon did not stop cleanly on SIGTERM while ingesting: %v", err)
	}
	_, server = startDaemonProcess(t, config)
	waitListed(t, server, "outside-2", "SUCCEEDED")
	waitListed(t, server, "outside-1", "FAILED")
	if m := scrapeMetrics(t, server); !strings.Contains(m, `sluice_run_events_total{environment="dev",result="written"}`) ||
		!strings.Contains(m, `sluice_aws_api_calls_total{operation="ListExecutions",result="ok",service="SFN"}`) {
		t.Errorf("after the catch-up /metrics counts no written run event or no ListExecutions call:\n%s", m)
	}

	w.sfn.ScriptExecution("outside-1", sfnfake.Outcome{})
	code, out, errOut := runCLI(t, "runs", "resume", "outside-1", "--env", "dev", "--server", server)
	if code != exitOK || !strings.Contains(out, "redriven") {
		t.Fatalf("sluice runs resume outside-1: exit %d\n%s%s", code, out, errOut)
	}
	if e := describeUntilDone(t, states, aws.ToString(failed.ExecutionArn)); e.Status != "SUCCEEDED" || aws.ToInt32(e.RedriveCount) != 1 {
		t.Errorf("outside-1 after the resume: %s, redriven %d times; want SUCCEEDED after one redrive", e.Status, aws.ToInt32(e.RedriveCount))
	}
	code, out, errOut = runCLI(t, "runs", "resume", "outside-2", "--env", "dev", "--server", server)
	if code == exitOK || !strings.Contains(errOut, "cannot be redriven") {
		t.Errorf("sluice runs resume of a succeeded run: exit %d, want a refusal with the reason\n%s%s", code, out, errOut)
	}
	awsArtifactsAndOrigin(t, w, server)
}

// awsArtifactsAndOrigin fetches an object of the environment's bucket
// through the daemon (S3, with the environment's credentials), then
// starts a run from step s1 of outside-2: s0's objects, and only s0's,
// are copied under the new run's prefix (read back from S3), the
// execution starts with outside-2's parameters, sluice.from s1 and
// SLUICE_RUNS' content, and the run store records the copies with their
// sources. A step that is not one is refused.
func awsArtifactsAndOrigin(t *testing.T, w *awsWorld, server string) {
	const uri = "s3://crash-dev-artifacts/p000/outside-2/s0/model.pkl"
	ctx := context.Background()
	objects := s3.NewFromConfig(w.kumo.Config, kumotest.S3Options)
	for key, body := range map[string]string{"p000/outside-2/s0/model.pkl": "model", "p000/outside-2/s0/outputs.json": `{"auc":1}`,
		"p000/outside-2/s1/late.txt": "s1's, not reused"} {
		if _, err := objects.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("crash-dev-artifacts"), Key: aws.String(key),
			Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, "artifacts", "get", uri, "--env", "dev", "--server", server)
	if code != exitOK || out != "model" {
		t.Errorf("sluice artifacts get %s on AWS: exit %d, %q\n%s", uri, code, out, errOut)
	}
	code, out, errOut = runCLI(t, "run", "p000", "--from", "nope", "--origin", "outside-2", "--env", "dev", "--server", server)
	if code == exitOK || !strings.Contains(errOut, `p000 has no step "nope"`) {
		t.Errorf("sluice run --from nope: exit %d, want a refusal naming the steps\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "run", "p000", "--from", "s1", "--origin", "outside-2", "--name", "again-1", "--env", "dev", "--server", server)
	if code != exitOK {
		t.Fatalf("sluice run --from s1 --origin outside-2 on AWS: exit %d\n%s%s", code, out, errOut)
	}
	read := func(key string) (string, error) {
		o, err := objects.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("crash-dev-artifacts"), Key: aws.String(key)})
		if err != nil {
			return "", err
		}
		defer func() { _ = o.Body.Close() }()
		b, err := io.ReadAll(o.Body)
		return string(b), err
	}
	if got, err := read("p000/again-1/s0/model.pkl"); got != "model" {
		t.Errorf("s0's model under again-1: %q, %v; want the copy", got, err)
	}
	if got, err := read("p000/again-1/s0/outputs.json"); got != `{"auc":1}` {
		t.Errorf("s0's outputs.json under again-1: %q, %v; want the copy", got, err)
	}
	if _, err := read("p000/again-1/s1/late.txt"); err == nil {
		t.Error("s1's object was copied: s1 runs again, nothing of it is reused")
	}
	checkOriginInput(t, w)
	var detail sluice.RunDetail
	getTokenJSON(t, server+"/api/v1/environments/dev/runs/again-1", &detail)
	if !strings.HasSuffix(detail.Origin, ":outside-2") {
		t.Errorf("again-1 recorded with origin %q, want outside-2's ID", detail.Origin)
	}
	sources := map[string]string{}
	for _, a := range detail.Artifacts {
		sources[a.URI] = a.Source
	}
	if sources["s3://crash-dev-artifacts/p000/again-1/s0/model.pkl"] != uri || len(sources) != 2 {
		t.Errorf("again-1's artifacts %v, want s0's two copies, each with its source", sources)
	}
}

// checkOriginInput checks the input again-1 started with: outside-2's
// parameters, from s1, and the environment's pipelines with p000's
// latest successful run.
func checkOriginInput(t *testing.T, w *awsWorld) {
	t.Helper()
	states := awssfn.NewFromConfig(w.kumo.Config, func(o *awssfn.Options) { o.BaseEndpoint = aws.String(w.sfn.URL) })
	machines, err := states.ListStateMachines(context.Background(), &awssfn.ListStateMachinesInput{})
	if err != nil || len(machines.StateMachines) != 1 {
		t.Fatalf("state machines: %v, %v", machines, err)
	}
	arn := strings.Replace(aws.ToString(machines.StateMachines[0].StateMachineArn), ":stateMachine:", ":execution:", 1) + ":again-1"
	e, err := states.DescribeExecution(context.Background(), &awssfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		Parameters map[string]any `json:"parameters"`
		Sluice     struct {
			From string                                        `json:"from"`
			Runs map[string]struct{ Artifacts, Latest string } `json:"runs"`
		} `json:"sluice"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(e.Input)), &in); err != nil {
		t.Fatal(err)
	}
	if in.Parameters["who"] != "console" || in.Sluice.From != "s1" ||
		in.Sluice.Runs["p000"].Artifacts != "s3://crash-dev-artifacts/p000" || in.Sluice.Runs["p000"].Latest == "" {
		t.Errorf("again-1 started with input %s; want outside-2's parameters, sluice.from s1 and p000's runs", aws.ToString(e.Input))
	}
}

// getTokenJSON decodes the answer to GET url with the token "token" into v.
func getTokenJSON(t *testing.T, url string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, %v", url, resp.StatusCode, err)
	}
}

// startOutside starts an execution of machine on the Step Functions
// fake directly, not through Sluice, and returns it once it has ended.
func startOutside(t *testing.T, states *awssfn.Client, machine, name string) *awssfn.DescribeExecutionOutput {
	t.Helper()
	out, err := states.StartExecution(context.Background(), &awssfn.StartExecutionInput{StateMachineArn: &machine, Name: &name,
		Input: aws.String(`{"parameters":{"who":"console"},"run":"` + name + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return describeUntilDone(t, states, aws.ToString(out.ExecutionArn))
}

func describeUntilDone(t *testing.T, states *awssfn.Client, arn string) *awssfn.DescribeExecutionOutput {
	t.Helper()
	for range 100 {
		e, err := states.DescribeExecution(context.Background(), &awssfn.DescribeExecutionInput{ExecutionArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != "RUNNING" {
			return e
		}
	}
	t.Fatalf("%s never ended", arn)
	return nil
}

// sendExecutionEvent puts e's status change on the run events queue,
// as the environment's EventBridge rule delivers it (Step Functions
// developer guide, "Step Functions events").
func sendExecutionEvent(t *testing.T, w *awsWorld, e *awssfn.DescribeExecutionOutput) {
	t.Helper()
	ctx := context.Background()
	q := sqs.NewFromConfig(w.kumo.Config)
	queues, err := q.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("crash-dev-")})
	if err != nil || len(queues.QueueUrls) != 1 {
		t.Fatalf("run events queue: %v, %v; want one crash-dev- queue", queues, err)
	}
	detail := map[string]any{"executionArn": e.ExecutionArn, "stateMachineArn": e.StateMachineArn, "name": e.Name,
		"status": e.Status, "startDate": aws.ToTime(e.StartDate).UnixMilli(), "stopDate": aws.ToTime(e.StopDate).UnixMilli(),
		"input": e.Input, "error": e.Error, "cause": e.Cause}
	body, err := json.Marshal(map[string]any{"version": "0", "id": "ev-" + aws.ToString(e.Name), "source": "aws.states",
		"detail-type": "Step Functions Execution Status Change", "time": aws.ToTime(e.StopDate).UTC().Format(time.RFC3339),
		"region": "us-east-1", "detail": detail})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &queues.QueueUrls[0], MessageBody: aws.String(string(body))}); err != nil {
		t.Fatal(err)
	}
}

// waitListed polls GET /api/v1/environments/dev/runs until it lists the
// run name with status, and returns it.
func waitListed(t *testing.T, server, name, status string) sluice.RunRecord {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var last string
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", server+"/api/v1/environments/dev/runs", nil)
		req.Header.Set("Authorization", "Bearer token")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			var runs []sluice.RunRecord
			err = json.NewDecoder(resp.Body).Decode(&runs)
			_ = resp.Body.Close()
			last = fmt.Sprintf("%d %+v %v", resp.StatusCode, runs, err)
			for _, r := range runs {
				if r.Name == name && r.Status == status {
					return r
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("run %s never listed %s; last answer: %s", name, status, last)
	return sluice.RunRecord{}
}

func scrapeMetrics(t *testing.T, server string) string {
	t.Helper()
	resp, err := http.Get(server + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
