package rds_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	rdsbackend "github.com/sluice-dev/sluice/backends/aws/rds"
	"github.com/sluice-dev/sluice/backends/aws/rds/rdsfake"
	"github.com/sluice-dev/sluice/reconcile"
)

// newFake returns a backend on a fresh fake RDS.
func newFake(t *testing.T, opts rdsbackend.Options) (*rdsfake.Server, *rdsbackend.Backend) {
	t.Helper()
	f := rdsfake.Start(t)
	return f, rdsbackend.New(f.Client(), opts)
}

// mustCreate creates tg and advances the fake until it is available.
func mustCreate(t *testing.T, f *rdsfake.Server, b *rdsbackend.Backend, tg sluice.Target) sluice.Observation {
	t.Helper()
	ctx := context.Background()
	if _, err := b.Create(ctx, tg); err != nil {
		t.Fatalf("Create: %v", err)
	}
	f.Advance()
	f.Advance()
	obs, err := b.Observe(ctx, tg)
	if err != nil || obs.Status != "available" || obs.InProgress {
		t.Fatalf("Observe after create = %s %v, %v; want available", obs.Status, obs.InProgress, err)
	}
	return obs
}

func TestCreateGoesThroughCreatingAndBackingUp(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	tg := target("metadata", metadataSpec)
	created, err := b.Create(ctx, tg)
	if err != nil || created.Status != "creating" || !created.InProgress || !strings.HasSuffix(created.ARN, ":db:churn-dev-metadata") {
		t.Fatalf("Create = %+v, %v; want creating, in progress, with its ARN", created, err)
	}
	for _, want := range []string{"creating", "backing-up"} {
		obs, err := b.Observe(ctx, tg)
		if err != nil || obs.Status != want || !obs.InProgress {
			t.Fatalf("Observe = %+v, %v; want %s in progress", obs, err, want)
		}
		wantRetry(t, "Update while "+want, func() error { _, err := b.Update(ctx, tg, obs); return err }(), sluice.RetryWaiting, want)
		f.Advance()
	}
	obs, err := b.Observe(ctx, tg)
	if err != nil || obs.Status != "available" || obs.InProgress {
		t.Fatalf("Observe = %+v, %v; want available", obs, err)
	}
	sameJSON(t, obs.Spec, metadataSpec)
	if !obs.Owned("churn", "dev", tg.ID) || obs.Tags["team"] != "ml" {
		t.Errorf("tags = %v, want Sluice's and the user's", obs.Tags)
	}
}

func TestObserveNormalisesWhatRDSDerives(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	tg := target("scratch-db", scratchSpec) // EngineVersion "16": RDS runs 16.3
	mustCreate(t, f, b, tg)
	if !f.SetAllocatedStorage("churn-dev-scratch-db", 30) { // grown by autoscaling, no limit set
		t.Fatal("no instance churn-dev-scratch-db")
	}
	obs, err := b.Observe(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, obs.Spec, strings.Replace(scratchSpec, `"AllocatedStorage":20`, `"AllocatedStorage":30`, 1))

	mt := target("metadata", metadataSpec)
	mustCreate(t, f, b, mt)
	if !f.SetAllocatedStorage("churn-dev-metadata", 50) { // within MaxAllocatedStorage 100
		t.Fatal("no instance churn-dev-metadata")
	}
	obs, err = b.Observe(ctx, mt)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, obs.Spec, metadataSpec)
}

func TestUpdatePending(t *testing.T) {
	cases := []struct {
		name      string
		opts      rdsbackend.Options
		immediate bool
	}{
		{"applied at once by default", rdsbackend.Options{}, true},
		{"deferred to the maintenance window", rdsbackend.Options{DeferDisruptive: true}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			f, b := newFake(t, c.opts)
			obs := mustCreate(t, f, b, target("metadata", metadataSpec))
			bigger := target("metadata", metadataSpec, "db.t4g.medium", "db.r6g.large", `"BackupRetentionPeriod":7`, `"BackupRetentionPeriod":14`)
			before := len(f.Calls())
			if _, err := b.Update(ctx, bigger, obs); err != nil {
				t.Fatal(err)
			}
			obs, err := b.Observe(ctx, bigger)
			if err != nil || !obs.InProgress {
				t.Fatalf("Observe after modify = %+v, %v; want in progress", obs, err)
			}
			sameJSON(t, obs.Spec, string(bigger.Spec)) // pending is not drift
			if (obs.Status == "modifying") != c.immediate {
				t.Errorf("status %q after modify, immediate=%v", obs.Status, c.immediate)
			}
			if !c.immediate {
				// Still available with the change pending: a second Update sends nothing.
				if _, err := b.Update(ctx, bigger, obs); err != nil {
					t.Fatal(err)
				}
				f.MaintenanceWindow()
			} else {
				f.Advance()
			}
			if calls := f.Calls()[before:]; strings.Count(strings.Join(calls, " "), "ModifyDBInstance") != 1 {
				t.Errorf("calls %v, want ModifyDBInstance once", calls)
			}
			obs, err = b.Observe(ctx, bigger)
			if db, _ := f.Instance("churn-dev-metadata"); err != nil || obs.InProgress || db.Class != "db.r6g.large" {
				t.Fatalf("after the change applied: %+v, %v", obs, err)
			}
			sameJSON(t, obs.Spec, string(bigger.Spec))
		})
	}
}

func TestUpdateSendsOnlyWhatDiffers(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	obs := mustCreate(t, f, b, target("metadata", metadataSpec))
	retagged := target("metadata", metadataSpec)
	retagged.Tags[sluice.TagSpecHash] = "h2"
	delete(retagged.Tags, "team")
	before := len(f.Calls())
	if _, err := b.Update(ctx, retagged, obs); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Calls()[before:], " "); got != "AddTagsToResource RemoveTagsFromResource" {
		t.Errorf("calls = %q, want the two tag calls only", got)
	}
	obs, err := b.Observe(ctx, retagged)
	if err != nil || obs.Tags[sluice.TagSpecHash] != "h2" || obs.Tags["team"] != "" {
		t.Errorf("tags after update = %v, %v", obs.Tags, err)
	}
}

func TestUpdateRefusals(t *testing.T) {
	cases := []struct {
		name  string
		edits []string
		want  func(error) bool
	}{
		{"database name", []string{`"DBName":"metaflow"`, `"DBName":"other"`}, func(err error) bool { return errors.Is(err, reconcile.ErrReplace) }},
		{"master user", []string{`"MasterUsername":"admin_user"`, `"MasterUsername":"root"`}, func(err error) bool { return errors.Is(err, reconcile.ErrReplace) }},
		{"password in the spec", []string{`"MultiAZ":true`, `"MultiAZ":true,"MasterUserPassword":"x"`}, func(err error) bool {
			d, _ := sluice.RetryOf(err)
			return d == sluice.RetryStalled && strings.Contains(err.Error(), "never carries a password")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, b := newFake(t, rdsbackend.Options{})
			obs := mustCreate(t, f, b, target("metadata", metadataSpec))
			_, err := b.Update(context.Background(), target("metadata", metadataSpec, c.edits...), obs)
			if !c.want(err) {
				t.Fatalf("Update = %v", err)
			}
		})
	}
}

func TestCreateTakenIdentifier(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	tg := target("metadata", metadataSpec)
	mustCreate(t, f, b, tg)
	if obs, err := b.Create(ctx, tg); err != nil || !obs.Exists {
		t.Fatalf("Create of Sluice's own instance again = %+v, %v; want it observed", obs, err)
	}
	if !f.SetTags("churn-dev-metadata", nil) {
		t.Fatal("no instance churn-dev-metadata")
	}
	_, err := b.Create(ctx, tg)
	wantRetry(t, "Create over an instance Sluice does not own", err, sluice.RetryStalled, "never adopts")
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 18, 0, 5, 0, time.UTC)
	f, b := newFake(t, rdsbackend.Options{Now: func() time.Time { return now }})
	tg := target("metadata", metadataSpec)
	obs := mustCreate(t, f, b, tg)

	wantRetry(t, "Delete with deletion protection", b.Delete(ctx, tg, obs), sluice.RetryStalled, "deletion protection")
	unprotected := target("metadata", metadataSpec, `"DeletionProtection":true`, `"DeletionProtection":false`)
	if _, err := b.Update(ctx, unprotected, obs); err != nil {
		t.Fatal(err)
	}
	wantRetry(t, "Delete", b.Delete(ctx, unprotected, obs), sluice.RetryWaiting, "deleting")
	if want, got := "churn-dev-metadata-final-20261126-180005", f.Snapshots(); len(got) != 1 || got[0] != want {
		t.Errorf("final snapshots = %v, want [%s]", got, want)
	}
	wantRetry(t, "Delete while deleting", b.Delete(ctx, unprotected, obs), sluice.RetryWaiting, "deleting")
	f.Advance()
	if err := b.Delete(ctx, unprotected, obs); err != nil {
		t.Fatalf("Delete of a deleted instance = %v", err)
	}
}

func TestDeleteSkipsFinalSnapshotWhenTold(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	tg := target("scratch-db", scratchSpec, `"MultiAZ":false`, `"MultiAZ":false,"SkipFinalSnapshot":true`)
	if _, err := b.Create(ctx, tg); err != nil {
		t.Fatal(err)
	}
	wantRetry(t, "Delete while creating", b.Delete(ctx, tg, sluice.Observation{}), sluice.RetryWaiting, "InvalidDBInstanceState")
	f.Advance()
	f.Advance()
	wantRetry(t, "Delete", b.Delete(ctx, tg, sluice.Observation{}), sluice.RetryWaiting, "deleting")
	if got := f.Snapshots(); len(got) != 0 {
		t.Errorf("final snapshots = %v, want none", got)
	}
}

func TestUpdateByStatus(t *testing.T) {
	cases := []struct {
		status string
		edits  []string
		want   sluice.Retry // -1: accepted
	}{
		{"modifying", []string{`"MultiAZ":true`, `"MultiAZ":false`}, sluice.RetryWaiting},
		{"configuring-log-exports", []string{`"MultiAZ":true`, `"MultiAZ":false`}, sluice.RetryWaiting},
		{"stopped", []string{`"MultiAZ":true`, `"MultiAZ":false`}, sluice.RetryStalled},
		{"storage-full", []string{`"MultiAZ":true`, `"MultiAZ":false`}, sluice.RetryStalled},
		{"storage-full", []string{`"AllocatedStorage":20`, `"AllocatedStorage":200`, `"MaxAllocatedStorage":100`, `"MaxAllocatedStorage":400`}, -1},
	}
	for _, c := range cases {
		t.Run(c.status, func(t *testing.T) {
			f, b := newFake(t, rdsbackend.Options{})
			obs := mustCreate(t, f, b, target("metadata", metadataSpec))
			if !f.SetStatus("churn-dev-metadata", c.status) {
				t.Fatal("no instance churn-dev-metadata")
			}
			obs.Status = c.status
			_, err := b.Update(context.Background(), target("metadata", metadataSpec, c.edits...), obs)
			if c.want == -1 {
				if err != nil {
					t.Fatalf("Update = %v, want it accepted", err)
				}
				return
			}
			wantRetry(t, "Update", err, c.want, c.status)
		})
	}
}
