package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sluice-dev/sluice/backends/aws/batch/batchfake"
	"github.com/sluice-dev/sluice/backends/aws/rds/rdsfake"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/internal/taggingfake"
)

// awsWorld is the AWS of the CLI tests: kumo for S3, EventBridge
// Scheduler and STS; for Batch and Step Functions, which kumo serves only
// in part (no UpdateStateMachine, no DescribeJobDefinitions, no
// transitional states), the HTTP-level fakes of those backends' packages;
// for RDS the RDS fake, as kumo drops the tags given to CreateDBInstance
// and does not take ManageMasterUserPassword, which a plan rightly shows
// as drift Sluice cannot repair on an instance that is not its own.
type awsWorld struct {
	kumo  *kumotest.Server
	batch *batchfake.Server
	sfn   *sfnfake.Server
	rds   *rdsfake.Server
}

func startAWS(t testing.TB) *awsWorld {
	t.Helper()
	k := kumotest.Start(t)
	id, err := sts.NewFromConfig(k.Config).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	w := &awsWorld{kumo: k, batch: batchfake.Start(t), sfn: sfnfake.Start("us-east-1", aws.ToString(id.Account)), rds: rdsfake.Start(t)}
	t.Cleanup(w.sfn.Close)
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
		"AWS_ENDPOINT_URL": k.URL, "AWS_ENDPOINT_URL_BATCH": w.batch.URL, "AWS_ENDPOINT_URL_SFN": w.sfn.URL,
		"AWS_ENDPOINT_URL_RDS":   w.rds.URL,
		"SLUICE_STATES_ROLE_ARN": "arn:aws:iam::000000000000:role/states", "SLUICE_SCHEDULER_ROLE_ARN": "arn:aws:iam::000000000000:role/scheduler",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
	} {
		t.Setenv(k, v)
	}
	return w
}

// settle completes the transitions of the Batch and RDS fakes, as AWS
// completes them in its own time.
func (w *awsWorld) settle() {
	w.batch.Settle()
	w.rds.Settle()
}

var mutationsRE = regexp.MustCompile(`AWS calls: (\d+), of which (\d+) changed something`)

// applyUntilDone applies until nothing is waiting, letting the fakes'
// transitional states settle between rounds, and returns the last
// output.
func (w *awsWorld) applyUntilDone(t testing.TB, args ...string) string {
	t.Helper()
	for round := 0; round < 6; round++ {
		code, out, errOut := runCLI(t, append([]string{"apply"}, args...)...)
		if code == exitOK {
			return out
		}
		if !strings.Contains(out, "in progress") {
			t.Fatalf("apply failed (exit %d):\n%s\n%s", code, out, errOut)
		}
		w.settle()
	}
	t.Fatal("apply did not converge in 6 rounds")
	return ""
}

func mutations(t testing.TB, out string) string {
	t.Helper()
	m := mutationsRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no call count in:\n%s", out)
	}
	return m[2]
}

// TestApplyKumo applies the training template to an empty AWS, then
// checks that nothing changes on the next round, that one changed step
// changes only its own resources, and that a deleted store is retained.
func TestApplyKumo(t *testing.T) {
	w := startAWS(t)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	state := filepath.Join(t.TempDir(), "state.db")
	base := []string{"--repo", dir}
	target := []string{"--env", "dev", "--state", state}

	w.applyUntilDone(t, append(base, target...)...)
	code, planOut, _ := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), target...)...)
	if code != exitOK {
		t.Fatalf("plan after apply has changes (exit %d):\n%s", code, planOut)
	}
	again := mustRun(t, exitOK, append(append(base, "apply"), target...)...)
	if n := mutations(t, again); n != "0" {
		t.Errorf("a second apply made %s mutating calls:\n%s", n, again)
	}

	// The train step's memory in dev changes: its job definition and the
	// state machine (whose overrides carry the resources) may change,
	// nothing else.
	editPipeline(t, dir, "          memory: 4Gi\n          gpu: 0", "          memory: 6Gi\n          gpu: 0")
	planOut = mustRun(t, exitOK, append(append(base, "plan"), target...)...)
	if !strings.Contains(planOut, "update   JobDefinition/training.train") {
		t.Errorf("the edited step's job definition is not updated:\n%s", planOut)
	}
	for _, line := range strings.Split(planOut, "\n") {
		if strings.Contains(line, "  update ") && !strings.Contains(line, "training") {
			t.Errorf("an unrelated resource changes: %s", line)
		}
	}
	w.applyUntilDone(t, append(base, target...)...)
	if code, out, _ := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), target...)...); code != exitOK {
		t.Errorf("plan after applying the edit has changes:\n%s", out)
	}
}

// appliedDemo applies the training template to env and returns the
// repository, the flags that select the repository and the target.
func appliedDemo(t *testing.T, w *awsWorld, env string) (dir string, base, target []string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	base = []string{"--repo", dir}
	target = []string{"--env", env, "--state", filepath.Join(t.TempDir(), "state.db"), "--prune"}
	w.applyUntilDone(t, append(base, target...)...)
	return dir, base, target
}

// TestApplyKumoHoldsInvalid breaks the pipeline document: apply, even
// with --prune, leaves its resources as they are and says why.
func TestApplyKumoHoldsInvalid(t *testing.T) {
	w := startAWS(t)
	dir, base, target := appliedDemo(t, w, "dev")
	breakPipeline(t, dir)
	code, out, errOut := runCLI(t, append(append(base, "apply"), target...)...)
	if code != exitInvalid || !strings.Contains(errOut, `unknown field "timout"`) {
		t.Errorf("apply with an invalid document: exit %d, findings:\n%s", code, errOut)
	}
	if !strings.Contains(out, "hold     StateMachine/training") || strings.Contains(out, "delete ") {
		t.Errorf("the invalid pipeline's resources are not held:\n%s", out)
	}
	if n := mutations(t, out); n != "0" {
		t.Errorf("%s mutating calls while the only change is an invalid document:\n%s", n, out)
	}
}

// TestApplyKumoRetainsStores deletes the stores' document: in staging,
// where the template keeps the default deletion policy (retain), the
// bucket and the database stay in AWS, reported as retained, even with
// --prune. (In dev the template lets the bucket go: deletionPolicy: delete.)
func TestApplyKumoRetainsStores(t *testing.T) {
	w := startAWS(t)
	dir, base, target := appliedDemo(t, w, "staging")
	if err := os.Remove(filepath.Join(dir, "deploy", "stores.yaml")); err != nil {
		t.Fatal(err)
	}
	_, out, _ := runCLI(t, append(append(base, "apply"), target...)...)
	for _, want := range []string{"retain   Bucket/artifacts", "retain   DBInstance/metadata"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	buckets, err := s3.NewFromConfig(w.kumo.Config, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(buckets.Buckets) != 1 {
		t.Errorf("buckets after removing the store's document: %d, want the 1 retained", len(buckets.Buckets))
	}
}

// TestApplyKumoRefusesToAdopt puts an untagged bucket where staging's
// artifact store would go: apply refuses it and leaves it untouched.
func TestApplyKumoRefusesToAdopt(t *testing.T) {
	w := startAWS(t)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir, "--project", "clash")
	client := s3.NewFromConfig(w.kumo.Config, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("clash-staging-artifacts")}); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "--repo", dir, "apply", "--env", "staging", "--state", filepath.Join(t.TempDir(), "s.db"))
	if code != exitInvalid || !strings.Contains(out, "Bucket/artifacts: stalled") || !strings.Contains(out, "refusing to adopt") {
		t.Errorf("apply over an untagged bucket: exit %d:\n%s", code, out)
	}
	tags, err := client.GetBucketTagging(context.Background(), &s3.GetBucketTaggingInput{Bucket: aws.String("clash-staging-artifacts")})
	if err == nil && len(tags.TagSet) > 0 {
		t.Errorf("the foreign bucket was tagged: %v", tags.TagSet)
	}
}

// TestApplyKumoPrunesDeletedPipeline removes the pipeline's file: with
// --prune, its state machine and job definitions go and, the demo having
// no other pipeline, the environment's run events' queue and rule;
// nothing else does.
func TestApplyKumoPrunesDeletedPipeline(t *testing.T) {
	w := startAWS(t)
	dir, base, target := appliedDemo(t, w, "dev")
	if err := os.Remove(filepath.Join(dir, "deploy", "pipeline.yaml")); err != nil {
		t.Fatal(err)
	}
	planOut := mustRun(t, exitOK, append(append(base, "plan"), target...)...)
	deletes := 0
	for _, line := range strings.Split(planOut, "\n") {
		if !strings.Contains(line, "  delete ") {
			continue
		}
		deletes++
		if !strings.Contains(line, "training") && !strings.Contains(line, "EventRule/demo") && !strings.Contains(line, "EventQueue/demo") {
			t.Errorf("pruning the pipeline deletes something else: %s", line)
		}
	}
	if deletes != 3+runEventsResources {
		t.Errorf("%d deletions, want the state machine, its 2 job definitions and the run events' queue and rule:\n%s", deletes, planOut)
	}
	w.applyUntilDone(t, append(base, target...)...)
	if code, out, _ := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), target...)...); code != exitOK {
		t.Errorf("plan after pruning has changes:\n%s", out)
	}
}

// editPipeline replaces old by new in the scaffolded training pipeline,
// failing when the template no longer holds old.
func editPipeline(t testing.TB, dir, old, new string) {
	t.Helper()
	pipeline := filepath.Join(dir, "deploy", "pipeline.yaml")
	src, err := os.ReadFile(pipeline)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), old, new, 1)
	if edited == string(src) {
		t.Fatalf("the training template no longer holds %q, which this test edits", old)
	}
	if err := os.WriteFile(pipeline, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
}

// breakPipeline adds a misspelt field to the training pipeline's spec.
func breakPipeline(t testing.TB, dir string) {
	t.Helper()
	editPipeline(t, dir, "  runTimeout: 12h\n", "  runTimeout: 12h\n  timout: 5h\n")
}

// TestApplyKumoWait applies the training template with --wait while the
// Batch fake completes its transitions in the background: one apply
// follows the compute environments until they are valid, shows their
// progress, and leaves nothing to do.
func TestApplyKumoWait(t *testing.T) {
	w := startAWS(t)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	target := []string{"--repo", dir, "--env", "dev", "--state", filepath.Join(t.TempDir(), "state.db")}
	// The fakes complete their transitions each time apply has said a
	// change is still in progress: decided by what apply saw, not by a
	// clock, so a slow machine cannot settle them before apply looks.
	var stdout, stderr bytes.Buffer
	code := runWith(append([]string{"apply", "--wait", "5m"}, target...), strings.NewReader(""),
		settleOn{w: &stdout, world: w}, &stderr)
	out, errOut := stdout.String(), stderr.String()
	if code != exitOK {
		t.Fatalf("apply --wait: exit %d\n%s\n%s", code, out, errOut)
	}
	if !regexp.MustCompile(`\] \w+/[\w.-]+ still in progress: `).MatchString(out) || !strings.Contains(out, "checking again in") {
		t.Errorf("apply --wait showed no progress of the changes it waited for:\n%s", out)
	}
	// One sentence per resource while waiting: no operation or SDK chain.
	if strings.Contains(out, "batch.") || strings.Contains(out, "RequestID") || strings.Contains(out, ": waiting: ") {
		t.Errorf("apply --wait printed error chains while waiting:\n%s", out)
	}
	if code, out, _ := runCLI(t, append([]string{"plan", "--detailed-exitcode"}, target...)...); code != exitOK {
		t.Errorf("plan after apply --wait has changes (exit %d):\n%s", code, out)
	}
}

// startTagging serves the Resource Groups Tagging API for the world's
// state machines and buckets (kumo does not serve it), reading their
// tags straight from the Step Functions fake and kumo, and points the
// CLI at it with AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API.
func (w *awsWorld) startTagging(t testing.TB) *taggingfake.Server {
	t.Helper()
	states := awssfn.NewFromConfig(w.kumo.Config, func(o *awssfn.Options) { o.BaseEndpoint = aws.String(w.sfn.URL) })
	buckets := s3.NewFromConfig(w.kumo.Config, kumotest.S3Options)
	srv := taggingfake.Start(t, taggingfake.StateMachines(states), taggingfake.Buckets(buckets))
	t.Setenv("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API", srv.URL)
	return srv
}

// settleOn writes to w and completes the fakes' transitions each time
// what it writes says a change is still in progress.
type settleOn struct {
	w     io.Writer
	world *awsWorld
}

func (s settleOn) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("still in progress")) {
		s.world.settle()
	}
	return s.w.Write(p)
}
