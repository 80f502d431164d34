package rds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/sluice-dev/sluice"
)

// Delete takes the next step towards the instance being gone: an
// instance with deletion protection is a stalled error (turn it off in
// the document first); an available one is deleted, with a final snapshot
// unless the spec says SkipFinalSnapshot, and the result is a waiting
// error; so is an instance still deleting (or busy). Only an instance
// that is gone returns nil.
func (b *Backend) Delete(ctx context.Context, t sluice.Target, _ sluice.Observation) error {
	const name = "Delete"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return err
	}
	db, err := b.describe(ctx, s.id)
	if err != nil || db == nil {
		return b.classify(op(name, t), err)
	}
	status := aws.ToString(db.DBInstanceStatus)
	switch {
	case status == "deleting":
		return sluice.Waiting(b.opts.Poll, sluice.E(op(name, t), sluice.KindOther, fmt.Errorf("DB instance %s is deleting", s.id)))
	case aws.ToBool(db.DeletionProtection):
		return sluice.Stalled(sluice.E(op(name, t), sluice.KindConflict, fmt.Errorf(
			"DB instance %s has deletion protection on: set deletion protection off in its document and apply that first", s.id)))
	}
	in := b.deleteInput(s)
	_, err = b.client.DeleteDBInstance(ctx, in)
	var nf *types.DBInstanceNotFoundFault
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return b.classify(op(name, t), err)
	}
	return sluice.Waiting(b.opts.Poll, sluice.E(op(name, t), sluice.KindOther,
		fmt.Errorf("DB instance %s is deleting (final snapshot %q)", s.id, aws.ToString(in.FinalDBSnapshotIdentifier))))
}

// deleteInput asks for a final snapshot named after the instance and the
// time (snapshot names must be unique), unless the spec skips it.
// Automated backups are kept.
func (b *Backend) deleteInput(s spec) *rds.DeleteDBInstanceInput {
	in := &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(s.id), DeleteAutomatedBackups: aws.Bool(false)}
	if s.skipFinalSnapshot() {
		in.SkipFinalSnapshot = aws.Bool(true)
		return in
	}
	in.FinalDBSnapshotIdentifier = aws.String(FinalSnapshotName(s.id, b.opts.Now()))
	return in
}

// FinalSnapshotName returns the name of the final snapshot of instance
// id deleted at now: "ID-final-YYYYMMDD-HHMMSS" (UTC).
func FinalSnapshotName(id string, now time.Time) string {
	return id + "-final-" + now.UTC().Format("20060102-150405")
}
