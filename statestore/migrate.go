package statestore

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migration moves a file from format from to format from+1 inside the
// transaction it is given.
type migration struct {
	from int
	run  func(*bolt.Tx) error
}

// migrations lists every migration, one per format step, in order.
func migrations() []migration {
	return []migration{
		{from: 0, run: migrateV0},
	}
}

// prepare brings the file to FormatVersion (writable) or checks that it is
// there already (read-only).
func (s *Store) prepare() error {
	if s.opts.ReadOnly {
		return s.db.View(func(tx *bolt.Tx) error {
			v, err := fileVersion(tx)
			if err != nil {
				return err
			}
			return checkVersion(v, true)
		})
	}
	return s.db.Update(upgrade)
}

// checkVersion refuses a newer file, and an older one when it cannot be
// migrated.
func checkVersion(v int, readOnly bool) error {
	switch {
	case v > FormatVersion:
		return fmt.Errorf("%w: file format %d, this Sluice knows up to %d", ErrNewerFormat, v, FormatVersion)
	case v < FormatVersion && v != versionEmpty && readOnly:
		return fmt.Errorf("%w: file format %d, current %d", ErrNeedsMigration, v, FormatVersion)
	}
	return nil
}

// upgrade runs, in one transaction, every migration from the file's format
// to FormatVersion, then records the new format. A new file is stamped
// with FormatVersion. If any step fails the transaction rolls back and the
// file keeps its old format.
func upgrade(tx *bolt.Tx) error {
	v, err := fileVersion(tx)
	if err != nil {
		return err
	}
	if err := checkVersion(v, false); err != nil {
		return err
	}
	if v == FormatVersion {
		return nil
	}
	if v != versionEmpty {
		if err := migrate(tx, v); err != nil {
			return err
		}
	}
	return putFileVersion(tx, FormatVersion)
}

func migrate(tx *bolt.Tx, from int) error {
	for _, m := range migrations() {
		if m.from < from {
			continue
		}
		if err := m.run(tx); err != nil {
			return fmt.Errorf("migrating format %d to %d: %w", m.from, m.from+1, err)
		}
	}
	return nil
}
