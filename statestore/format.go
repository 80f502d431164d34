package statestore

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// FormatVersion is the format this Sluice writes: the schema version kept in
// the meta bucket and the version carried by every value.
const FormatVersion = 1

// Bucket and key names of the layout described in doc.go.
const (
	metaBucket      = "meta"
	formatKey       = "format"
	envsBucket      = "envs"
	resourcesBucket = "resources"
	opsBucket       = "ops"
	historyBucket   = "history"
	envMetaKey      = "meta"
)

// envelope is the JSON every value is stored as: its format version and the
// value itself, so a reader knows what it holds before decoding it.
type envelope struct {
	V    int             `json:"v"`
	Data json.RawMessage `json:"data"`
}

// fileFormat is the value of the meta bucket's format key.
type fileFormat struct {
	Version int `json:"version"`
}

func encode(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(envelope{V: FormatVersion, Data: data})
}

func decode(b []byte, v any) error {
	var e envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	switch {
	case e.V > FormatVersion:
		return fmt.Errorf("%w: value of format %d, this Sluice knows up to %d", ErrNewerFormat, e.V, FormatVersion)
	case e.V != FormatVersion:
		return fmt.Errorf("%w: value of format %d, expected %d", ErrCorrupt, e.V, FormatVersion)
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return nil
}

func itob(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func btoi(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// versionEmpty is what fileVersion reports for a file with no bucket yet.
const versionEmpty = -1

// fileVersion reports the format of the file tx reads: the meta bucket's
// version, 0 for a file from before the meta bucket, versionEmpty for a
// new file.
func fileVersion(tx *bolt.Tx) (int, error) {
	if m := tx.Bucket([]byte(metaBucket)); m != nil {
		var f fileFormat
		if err := json.Unmarshal(m.Get([]byte(formatKey)), &f); err != nil {
			return 0, fmt.Errorf("%w: format key: %w", ErrCorrupt, err)
		}
		return f.Version, nil
	}
	k, _ := tx.Cursor().First()
	if k == nil {
		return versionEmpty, nil
	}
	return 0, nil
}

func putFileVersion(tx *bolt.Tx, version int) error {
	m, err := tx.CreateBucketIfNotExists([]byte(metaBucket))
	if err != nil {
		return err
	}
	b, err := json.Marshal(fileFormat{Version: version})
	if err != nil {
		return err
	}
	return m.Put([]byte(formatKey), b)
}
