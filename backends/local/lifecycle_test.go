package local_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestLifecycle creates, observes, updates, observes and deletes one
// resource of each record-kept type, and checks the record's identity.
func TestLifecycle(t *testing.T) {
	tests := []struct {
		typ           sluice.ResourceType
		name          string
		spec, changed string
		arn, status   string
		needsCE       bool
	}{
		{sluice.TypeBucket, "churn-dev-artifacts", bucketSpec, bucketSpec2, "arn:aws:s3:::churn-dev-artifacts", "", false},
		{sluice.TypeComputeEnvironment, "churn-dev-cpu", ceSpec, ceSpec2, "arn:aws:batch:local:000000000000:compute-environment/churn-dev-cpu", "VALID", false},
		{sluice.TypeJobQueue, "churn-dev-cpu", jqSpec, jqSpec2, "arn:aws:batch:local:000000000000:job-queue/churn-dev-cpu", "VALID", true},
		{sluice.TypeStateMachine, "churn-dev-train", smSpec, smSpec2, "arn:aws:states:local:000000000000:stateMachine:churn-dev-train", "ACTIVE", false},
		{sluice.TypeSchedule, "churn-dev-nightly", schedSpec, schedOff, "arn:aws:scheduler:local:000000000000:schedule/default/churn-dev-nightly", "ENABLED", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			w := mustWorld(t, local.Options{})
			if tt.needsCE {
				mustCreate(t, backend(t, w, sluice.TypeComputeEnvironment), target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
			}
			b := backend(t, w, tt.typ)
			tg := target(tt.typ, "x", tt.name, tt.spec)
			if obs := mustObserve(t, b, tg); obs.Exists {
				t.Fatalf("observed %+v before creating it", obs)
			}
			created := mustCreate(t, b, tg)
			if created.ARN != tt.arn || created.Status != tt.status {
				t.Errorf("created ARN %q status %q, want %q %q", created.ARN, created.Status, tt.arn, tt.status)
			}
			obs := mustObserve(t, b, tg)
			if !obs.Exists || !obs.Owned(projectName, env, tg.ID) || !reconcile.SameJSON(obs.Spec, tg.Spec) || obs.Tags["team"] != "ml" {
				t.Fatalf("observed %+v, want the created resource with its tags and spec", obs)
			}
			changed := tg
			changed.Spec = []byte(tt.changed)
			if _, err := b.Update(t.Context(), changed, obs); err != nil {
				t.Fatalf("update: %v", err)
			}
			obs = mustObserve(t, b, changed)
			if !reconcile.SameJSON(obs.Spec, changed.Spec) {
				t.Errorf("after update observed %s, want %s", obs.Spec, changed.Spec)
			}
			if err := b.Delete(t.Context(), changed, obs); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if obs := mustObserve(t, b, changed); obs.Exists {
				t.Errorf("observed %+v after delete", obs)
			}
		})
	}
}

// TestForeignRecordRefused checks that a name taken by a resource of
// another project, or of nobody, is never adopted.
func TestForeignRecordRefused(t *testing.T) {
	types := []struct {
		typ        sluice.ResourceType
		name, spec string
	}{
		{sluice.TypeBucket, "churn-dev-artifacts", bucketSpec},
		{sluice.TypeComputeEnvironment, "churn-dev-cpu", ceSpec},
		{sluice.TypeStateMachine, "churn-dev-train", smSpec},
		{sluice.TypeSchedule, "churn-dev-nightly", schedSpec},
		{sluice.TypeJobDefinition, "churn-dev-step", jobDefSpec([]string{"true"}, "1", nil)},
	}
	for _, tt := range types {
		t.Run(string(tt.typ), func(t *testing.T) {
			w := mustWorld(t, local.Options{})
			b := backend(t, w, tt.typ)
			mustCreate(t, b, target(tt.typ, "x", tt.name, tt.spec, "other-project"))
			_, err := b.Create(t.Context(), target(tt.typ, "x", tt.name, tt.spec))
			wantRetry(t, err, sluice.RetryStalled)
			if !strings.Contains(err.Error(), "refusing to adopt") {
				t.Errorf("error %q does not say it refuses to adopt", err)
			}
			obs := mustObserve(t, b, target(tt.typ, "x", tt.name, tt.spec))
			if obs.Owned(projectName, env, sluice.ResourceID(string(tt.typ)+"/x")) {
				t.Errorf("foreign resource observed as owned: %+v", obs.Tags)
			}
		})
	}
}

// TestCreateTwiceClaimsOwnRecord checks that a create repeated after an
// interrupted apply returns the resource Sluice already made.
func TestCreateTwiceClaimsOwnRecord(t *testing.T) {
	w := mustWorld(t, local.Options{})
	b := backend(t, w, sluice.TypeStateMachine)
	tg := target(sluice.TypeStateMachine, "train", "churn-dev-train", smSpec)
	first := mustCreate(t, b, tg)
	second := mustCreate(t, b, tg)
	if first.ARN != second.ARN {
		t.Errorf("second create gave %s, want %s", second.ARN, first.ARN)
	}
}

func TestBucketDelete(t *testing.T) {
	w := mustWorld(t, local.Options{})
	b := backend(t, w, sluice.TypeBucket)
	tg := target(sluice.TypeBucket, "artifacts", "churn-dev-artifacts", bucketSpec)
	obs := mustCreate(t, b, tg)
	if err := os.WriteFile(filepath.Join(w.BucketDir(tg.Name), "model.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := b.Delete(t.Context(), tg, obs)
	wantRetry(t, err, sluice.RetryStalled)
	if !strings.Contains(err.Error(), "not empty") {
		t.Errorf("error %q does not say the bucket is not empty", err)
	}
	if obs := mustObserve(t, b, tg); !obs.Exists {
		t.Fatal("non-empty bucket gone after a refused delete")
	}
	if err := os.Remove(filepath.Join(w.BucketDir(tg.Name), "model.json")); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(t.Context(), tg, obs); err != nil {
		t.Fatalf("delete of the emptied bucket: %v", err)
	}
	if _, err := os.Stat(w.BucketDir(tg.Name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bucket directory still there: %v", err)
	}
}

// TestUntaggedBucketDirectoryRefused checks that a bucket directory
// made by hand, with no record of its tags, is not adopted.
func TestUntaggedBucketDirectoryRefused(t *testing.T) {
	w := mustWorld(t, local.Options{})
	b := backend(t, w, sluice.TypeBucket)
	tg := target(sluice.TypeBucket, "artifacts", "churn-dev-artifacts", bucketSpec)
	if err := os.MkdirAll(w.BucketDir(tg.Name), 0o755); err != nil {
		t.Fatal(err)
	}
	obs := mustObserve(t, b, tg)
	if !obs.Exists || obs.Owned(projectName, env, tg.ID) {
		t.Fatalf("observed %+v, want an existing bucket Sluice does not own", obs)
	}
	_, err := b.Create(t.Context(), tg)
	wantRetry(t, err, sluice.RetryStalled)
}

// TestReplaceAndRelationships checks the changes that need replacing and
// the order deletes must respect.
func TestReplaceAndRelationships(t *testing.T) {
	w := mustWorld(t, local.Options{})
	sm := backend(t, w, sluice.TypeStateMachine)
	tg := target(sluice.TypeStateMachine, "train", "churn-dev-train", smSpec)
	obs := mustCreate(t, sm, tg)
	express := tg
	express.Spec = []byte(smExpress)
	if _, err := sm.Update(t.Context(), express, obs); !errors.Is(err, reconcile.ErrReplace) {
		t.Errorf("type change: got %v, want ErrReplace", err)
	}

	ce, jq := backend(t, w, sluice.TypeComputeEnvironment), backend(t, w, sluice.TypeJobQueue)
	queue := target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec)
	_, err := jq.Create(t.Context(), queue)
	wantRetry(t, err, sluice.RetryStalled)
	env := target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec)
	ceObs := mustCreate(t, ce, env)
	qObs := mustCreate(t, jq, queue)
	wantRetry(t, ce.Delete(t.Context(), env, ceObs), sluice.RetryWaiting)
	if err := jq.Delete(t.Context(), queue, qObs); err != nil {
		t.Fatal(err)
	}
	if err := ce.Delete(t.Context(), env, ceObs); err != nil {
		t.Errorf("delete once the queue is gone: %v", err)
	}
}

func TestInvalidSpecsStall(t *testing.T) {
	w := mustWorld(t, local.Options{})
	tests := []struct {
		typ  sluice.ResourceType
		name string
		spec string
	}{
		{sluice.TypeStateMachine, "sm", `{"name":"sm","definition":"not json"}`},
		{sluice.TypeStateMachine, "sm", `{"name":"sm","definition":{"StartAt":"x","States":{}}}`},
		{sluice.TypeSchedule, "s", `{"Name":"s"}`},
		{sluice.TypeBucket, "../escape", bucketSpec},
	}
	for _, tt := range tests {
		_, err := backend(t, w, tt.typ).Create(t.Context(), target(tt.typ, "x", tt.name, tt.spec))
		wantRetry(t, err, sluice.RetryStalled)
	}
}

func TestStateMachineVersions(t *testing.T) {
	w := mustWorld(t, local.Options{})
	b := backend(t, w, sluice.TypeStateMachine)
	tg := target(sluice.TypeStateMachine, "train", "churn-dev-train", smSpec)
	obs := mustCreate(t, b, tg)
	changed := tg
	changed.Spec = []byte(smSpec2)
	if _, err := b.Update(t.Context(), changed, obs); err != nil {
		t.Fatal(err)
	}
	sm, err := w.StateMachine(obs.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if sm.Version != 2 || !strings.Contains(string(sm.Definition), `"StartAt":"b"`) {
		t.Errorf("state machine %+v, want version 2 with the new definition", sm)
	}
	rec, err := os.ReadFile(filepath.Join(w.Dir(), "records", "StateMachine", "churn-dev-train.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rec), `"StartAt": "a"`) {
		t.Errorf("record does not keep the previous definition:\n%s", rec)
	}
}
