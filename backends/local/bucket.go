package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/sluice-dev/sluice"
)

// buckets keeps ArtifactStores: a directory buckets/NAME holding the
// objects, and a record holding the tags and the S3-shaped
// configuration (versioning, encryption, lifecycle, ... are recorded,
// not enforced).
type buckets struct{ *kind }

func newBuckets(w *World) *buckets {
	return &buckets{&kind{w: w, typ: sluice.TypeBucket, arnOf: func(t sluice.Target) string { return "arn:aws:s3:::" + t.Name }}}
}

// Observe reads the bucket's record and directory. A directory without
// a record is a bucket Sluice does not own (no tags); a record whose
// directory is gone is a bucket deleted outside Sluice (Exists false).
func (b *buckets) Observe(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	t = recorded(t)
	b.w.mu.Lock()
	defer b.w.mu.Unlock()
	r, err := b.w.read(sluice.TypeBucket, t.Name)
	if err != nil {
		return sluice.Observation{}, err
	}
	exists, err := b.dirExists(t.Name)
	switch {
	case err != nil || !exists:
		return sluice.Observation{}, err
	case r == nil || !isRecorded(t, r):
		return sluice.Observation{Exists: true, ARN: b.arnOf(t)}, nil
	}
	return observe(r, t.Spec), nil
}

// Create makes the bucket's directory and record. A directory without a
// record, or a record Sluice does not own for t, is a stalled error.
func (b *buckets) Create(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	if err := checkName(t); err != nil {
		return sluice.Observation{}, err
	}
	b.w.mu.Lock()
	defer b.w.mu.Unlock()
	r, err := b.w.read(sluice.TypeBucket, t.Name)
	if err != nil {
		return sluice.Observation{}, err
	}
	exists, err := b.dirExists(t.Name)
	switch {
	case err != nil:
		return sluice.Observation{}, err
	case r == nil && exists:
		return sluice.Observation{}, notOwned(t, b.arnOf(t))
	case r != nil && !owned(t, r):
		return sluice.Observation{}, notOwned(t, r.ARN)
	}
	if err := os.MkdirAll(b.w.BucketDir(t.Name), 0o755); err != nil {
		return sluice.Observation{}, sluice.Transient(sluice.E("local.Create: "+string(t.ID), sluice.KindInternal, err))
	}
	if r != nil {
		return observe(r, t.Spec), nil
	}
	return b.store(newRecord(t, b.arnOf(t), ""), t)
}

// Delete removes an empty bucket's directory and record; a bucket that
// holds objects is a stalled error, as S3 refuses to delete it.
func (b *buckets) Delete(_ context.Context, t sluice.Target, _ sluice.Observation) error {
	b.w.mu.Lock()
	defer b.w.mu.Unlock()
	dir := b.w.BucketDir(t.Name)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return sluice.Transient(sluice.E("local.Delete: "+string(t.ID), sluice.KindInternal, err))
	}
	if len(entries) > 0 {
		return sluice.Stalled(sluice.E("local.Delete: "+string(t.ID), sluice.KindConflict,
			fmt.Errorf("bucket %s is not empty (%s): Sluice never deletes objects; empty it first", t.Name, dir)))
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return sluice.Transient(sluice.E("local.Delete: "+string(t.ID), sluice.KindInternal, err))
	}
	return b.w.drop(sluice.TypeBucket, t.Name)
}

func (b *buckets) dirExists(name string) (bool, error) {
	fi, err := os.Stat(b.w.BucketDir(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, sluice.Transient(sluice.E("local: bucket "+name, sluice.KindInternal, err))
	}
	return fi.IsDir(), nil
}
