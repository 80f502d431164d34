// Package rds is the reconcile.Backend for DBInstance resources: RDS
// PostgreSQL instances whose spec is a CreateDBInstance input. RDS keeps
// the master password in Secrets Manager (ManageMasterUserPassword): a
// spec never carries a password, and one that does is refused.
//
// The spec may also say "SkipFinalSnapshot": true, Sluice's own key,
// never sent to RDS: without it, deleting takes a final snapshot named
// after the instance and the time.
//
// Observe reads DescribeDBInstances and reports the fields the spec sets,
// with PendingModifiedValues laid over them: a change RDS has accepted but
// not yet applied is in progress, not drift. InProgress is true while the
// status is transitional (creating, backing-up, modifying, ...) or
// changes are pending.
//
// Update sends one ModifyDBInstance holding only the fields that differ,
// and only while the instance is available (else a waiting error). Its
// ApplyImmediately rule: changes are applied at once, except that with
// Options.DeferDisruptive (set for environments marked protected) a change of
// DBInstanceClass or EngineVersion, which restarts the database, waits
// for the maintenance window, and the fields sent with it too. A field
// RDS cannot change in place (Engine, DBName, MasterUsername,
// StorageEncrypted, ...) returns reconcile.ErrReplace.
//
// Delete refuses an instance with deletion protection (a stalled error:
// turn it off in the document first), takes the final snapshot, and
// returns waiting errors until the instance is gone. No call blocks on
// RDS: every long wait is a waiting error.
package rds
