package statestore_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

// A create, as the reconciler journals it: the op is committed before the
// call to AWS, and the identity with the op's end right after, so a crash
// in between leaves the op pending for the next start to look up.
func Example() {
	dir, _ := os.MkdirTemp("", "statestore")
	defer func() { _ = os.RemoveAll(dir) }()
	s, err := statestore.Open(filepath.Join(dir, "state.db"), statestore.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = s.Close() }()

	var seq uint64
	_ = s.Update(func(tx *statestore.Tx) (err error) {
		seq, err = tx.BeginOp("dev", statestore.Op{ID: "Bucket/data", Action: statestore.ActionCreate, Name: "churn-dev-data"})
		return err
	})
	arn := "arn:aws:s3:::churn-dev-data" // what the create call returned
	_ = s.Update(func(tx *statestore.Tx) error {
		r := statestore.Record{ID: "Bucket/data", Type: sluice.TypeBucket, Name: "churn-dev-data", ARN: arn}
		if err := tx.PutResource("dev", r); err != nil {
			return err
		}
		return tx.EndOp("dev", seq)
	})

	_ = s.View(func(tx *statestore.Tx) error {
		r, ok, _ := tx.Resource("dev", "Bucket/data")
		ops, _ := tx.PendingOps("dev")
		fmt.Println(ok, r.ARN, len(ops))
		return nil
	})
	// Output: true arn:aws:s3:::churn-dev-data 0
}
