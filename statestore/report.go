package statestore

import (
	"errors"
	"fmt"
	"os"

	"github.com/sluice-dev/sluice"
	bolt "go.etcd.io/bbolt"
)

// Report is what CheckFile found in a state file.
type Report struct {
	// Path is the file checked; Size its length in bytes.
	Path string
	Size int64
	// Format is the file's format version: FormatVersion for a current
	// file, 0 for one from before versioned formats, -1 for a file with
	// nothing in it yet.
	Format int
	// Environments are the environments the file holds, by name.
	Environments []EnvCounts
	// Problems are the inconsistencies found, each naming where it is
	// and, for a file that cannot be used, what to do; none for a sound
	// file.
	Problems []string
}

// EnvCounts is what a state file holds for one environment.
type EnvCounts struct {
	Name string
	// Resources in the inventory, Ops pending in the journal, History
	// entries; Meta whether its meta (last applied, pin, suspension) is
	// recorded.
	Resources, Ops, History int
	Meta                    bool
}

// CheckFile opens the state file at path read-only (sharing its lock,
// so not while a daemon holds it), runs Check and counts what each
// environment holds. A file that is empty, corrupt (bbolt's panics
// included), or of a format this Sluice cannot read is reported in
// Problems, not as an error. CheckFile fails only when the file cannot
// be opened at all: missing, unreadable, or locked past opts.Timeout
// (ErrLocked).
func CheckFile(path string, opts Options) (Report, error) {
	const op = "statestore.CheckFile"
	opts.ReadOnly = true
	opts = opts.withDefaults()
	r := Report{Path: path, Format: versionEmpty}
	fi, err := os.Stat(path)
	if err != nil {
		return r, sluice.E(op, sluice.KindNotFound, err)
	}
	r.Size = fi.Size()
	s, err := Open(path, opts)
	switch {
	case errors.Is(err, ErrEmpty), errors.Is(err, ErrCorrupt), errors.Is(err, ErrNewerFormat), errors.Is(err, ErrNeedsMigration):
		r.Problems = append(r.Problems, err.Error())
		return r, nil
	case err != nil:
		return r, err
	}
	defer func() { _ = s.Close() }()
	problems, err := s.problems()
	if err != nil {
		return r, err
	}
	for _, p := range problems {
		r.Problems = append(r.Problems, p.Error())
	}
	if err := s.View(func(tx *Tx) error { return r.count(tx.tx) }); err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("counting: %v", err))
	}
	return r, nil
}

// count fills in the format and the environments' counts.
func (r *Report) count(tx *bolt.Tx) error {
	v, err := fileVersion(tx)
	if err != nil {
		return err
	}
	r.Format = v
	envs := tx.Bucket([]byte(envsBucket))
	if envs == nil {
		return nil
	}
	return envs.ForEachBucket(func(name []byte) error {
		b := envs.Bucket(name)
		r.Environments = append(r.Environments, EnvCounts{Name: string(name),
			Resources: keys(b.Bucket([]byte(resourcesBucket))), Ops: keys(b.Bucket([]byte(opsBucket))),
			History: keys(b.Bucket([]byte(historyBucket))), Meta: b.Get([]byte(envMetaKey)) != nil})
		return nil
	})
}

// keys counts the keys of b (0 for a nil bucket).
func keys(b *bolt.Bucket) int {
	if b == nil {
		return 0
	}
	n := 0
	_ = b.ForEach(func(_, _ []byte) error { n++; return nil })
	return n
}
