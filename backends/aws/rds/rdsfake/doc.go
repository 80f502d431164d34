// Package rdsfake is an in-process Amazon RDS for tests: an
// httptest.Server answering RDS's query protocol (form-encoded POSTs,
// XML answers), so the real SDK client talks to it.
//
// It exists for what the kumo emulator cannot test: kumo's instances are
// available at once and vanish at once, it drops tags at create and does
// not support Add/RemoveTagsFromResource, applies ApplyImmediately=false
// at once with no pending-modified values, and deletes an instance with
// deletion protection. Without the tags given at create, no instance of
// kumo's carries Sluice's ownership tags, so an inventory cannot be
// rebuilt from them.
//
// Operations covered, modelling AWS's documented behaviour:
// CreateDBInstance (with Tags), DescribeDBInstances (one by identifier,
// or every instance, paged), ModifyDBInstance, DeleteDBInstance,
// AddTagsToResource and RemoveTagsFromResource:
//   - an instance is creating, then backing-up, then available, one step
//     per Server.Advance; deleting, then gone; Server.Settle advances
//     until nothing is in a transitional state;
//   - ModifyDBInstance is refused (InvalidDBInstanceState) unless the
//     instance is available, and with nothing to change
//     (InvalidParameterCombination), except that storage-full accepts
//     more storage; class, storage, engine version, multi-AZ and storage
//     type go to PendingModifiedValues: with ApplyImmediately the
//     instance is modifying until Advance applies them, without it they
//     wait for Server.MaintenanceWindow; other fields apply at once; a
//     MaxAllocatedStorage equal to the allocated storage turns storage
//     autoscaling off (no MaxAllocatedStorage is reported);
//   - DeleteDBInstance is refused (InvalidParameterCombination) with
//     deletion protection on, or with neither SkipFinalSnapshot nor a
//     FinalDBSnapshotIdentifier, and (InvalidDBInstanceState) unless
//     available;
//   - a taken identifier is DBInstanceAlreadyExists, a missing one
//     DBInstanceNotFound (404);
//   - the listing returns instances in identifier order, two a page (AWS
//     pages by MaxRecords, default 100: the fake pages sooner so that
//     callers' pagination is exercised).
package rdsfake
