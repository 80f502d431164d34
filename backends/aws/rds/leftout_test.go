package rds_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	rdsbackend "github.com/sluice-dev/sluice/backends/aws/rds"
	"github.com/sluice-dev/sluice/reconcile"
)

// leanSpec is the compiler's DBInstance spec for a MetadataStore that
// leaves maxStorageGiB, backupRetentionDays and deletionProtection out.
const leanSpec = `{"AllocatedStorage":20,"BackupRetentionPeriod":1,"DBInstanceClass":"db.t4g.micro",
"DBInstanceIdentifier":"churn-dev-lean","DeletionProtection":false,"Engine":"postgres","EngineVersion":"16",
"ManageMasterUserPassword":true,"MasterUsername":"sluice","MaxAllocatedStorage":null,"MultiAZ":false,
"PubliclyAccessible":false,"StorageEncrypted":true}`

// TestLeftOutFields sets fields of a DB instance, removes them, and
// checks that RDS holds what leaving them out means: no storage
// autoscaling, one day of backups, no deletion protection.
func TestLeftOutFields(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	set := target("lean", leanSpec, `"MaxAllocatedStorage":null`, `"MaxAllocatedStorage":200`,
		`"BackupRetentionPeriod":1`, `"BackupRetentionPeriod":14`, `"DeletionProtection":false`, `"DeletionProtection":true`)
	obs := mustCreate(t, f, b, set)
	if db, _ := f.Instance("churn-dev-lean"); db.MaxAllocatedStorage != 200 || db.BackupRetentionPeriod != 14 || !db.DeletionProtection {
		t.Fatalf("instance as created: %+v", db)
	}

	left := target("lean", leanSpec)
	before := len(f.Calls())
	if _, err := b.Update(ctx, left, obs); err != nil {
		t.Fatalf("Update with the fields left out: %v", err)
	}
	if calls := f.Calls()[before:]; !slices.Equal(calls, []string{"ModifyDBInstance"}) {
		t.Errorf("Update sent %v, want one ModifyDBInstance", calls)
	}
	f.Settle()
	db, _ := f.Instance("churn-dev-lean")
	if db.MaxAllocatedStorage != 0 || db.BackupRetentionPeriod != 1 || db.DeletionProtection {
		t.Errorf("instance with the fields left out: autoscaling limit %d, backups %d days, deletion protection %v; want 0 (off), 1, false",
			db.MaxAllocatedStorage, db.BackupRetentionPeriod, db.DeletionProtection)
	}
	obs, err := b.Observe(ctx, left)
	if err != nil || !reconcile.SameJSON(obs.Spec, left.Spec) {
		t.Fatalf("observed %s, %v; want the spec %s", obs.Spec, err, left.Spec)
	}
	before = len(f.Calls())
	if _, err := b.Update(ctx, left, obs); err != nil {
		t.Fatal(err)
	}
	if calls := f.Calls()[before:]; len(calls) != 0 {
		t.Errorf("Update of a converged instance sent %v, want nothing", calls)
	}
}

// TestAutoscalingOffNeedsStorage refuses a null storage limit without
// the allocated storage it must be set to, sending nothing.
func TestAutoscalingOffNeedsStorage(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	obs := mustCreate(t, f, b, target("lean", leanSpec, `"MaxAllocatedStorage":null`, `"MaxAllocatedStorage":200`))
	before := len(f.Calls())
	_, err := b.Update(ctx, target("lean", leanSpec, `"AllocatedStorage":20,`, ``), obs)
	if d, _ := sluice.RetryOf(err); err == nil || d != sluice.RetryStalled || !strings.Contains(err.Error(), "AllocatedStorage") {
		t.Fatalf("Update with a null limit and no AllocatedStorage = %v, want a stalled error naming AllocatedStorage", err)
	}
	if calls := f.Calls()[before:]; len(calls) != 0 {
		t.Errorf("refused update sent %v", calls)
	}
}

// TestDatabaseAddedLater: a database added to the document of an
// instance created without one is a change RDS cannot make in place,
// not a silent no-op.
func TestDatabaseAddedLater(t *testing.T) {
	ctx := context.Background()
	f, b := newFake(t, rdsbackend.Options{})
	obs := mustCreate(t, f, b, target("lean", leanSpec))
	added := target("lean", leanSpec, `"DeletionProtection":false,`, `"DBName":"mlflow","DeletionProtection":false,`)
	before := len(f.Calls())
	_, err := b.Update(ctx, added, obs)
	if !errors.Is(err, reconcile.ErrReplace) {
		t.Fatalf("Update adding a database = %v, want ErrReplace", err)
	}
	if calls := f.Calls()[before:]; len(calls) != 0 {
		t.Errorf("Update adding a database sent %v", calls)
	}
}
