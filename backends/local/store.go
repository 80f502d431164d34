package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
)

// The directories under the data directory.
const (
	recordsDir = "records"
	bucketsDir = "buckets"
	jobsDir    = "jobs"
)

// record is what the data directory holds of one resource, in
// records/TYPE/NAME.json.
type record struct {
	Type sluice.ResourceType `json:"type"`
	Name string              `json:"name"`
	ARN  string              `json:"arn"`
	Tags map[string]string   `json:"tags,omitempty"`
	// Spec is the resource's current configuration, in the spec's shape.
	Spec json.RawMessage `json:"spec"`
	// Status is the service's word for its state (VALID, ACTIVE, ...).
	Status  string    `json:"status,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Revisions are a job definition's registered revisions and a state
	// machine's successive definitions, oldest first.
	Revisions []revision `json:"revisions,omitempty"`
}

// revision is one registered job definition revision or one version of
// a state machine's definition.
type revision struct {
	Number int             `json:"revision"`
	ARN    string          `json:"arn,omitempty"`
	Status string          `json:"status,omitempty"`
	Spec   json.RawMessage `json:"spec"`
	Time   time.Time       `json:"time"`
}

// checkName refuses a name that is not one plain path element, so no
// name reaches outside its directory.
func checkName(t sluice.Target) error {
	if t.Name == "" || t.Name == "." || t.Name == ".." || strings.ContainsAny(t.Name, `/\`) || strings.ContainsRune(t.Name, 0) {
		return sluice.Stalled(sluice.E("local: "+string(t.ID), sluice.KindInvalid, fmt.Errorf("name %q cannot name a local resource", t.Name)))
	}
	return nil
}

func (w *World) recordPath(typ sluice.ResourceType, name string) string {
	return filepath.Join(w.dir, recordsDir, string(typ), name+".json")
}

// read returns the record of typ and name, nil when there is none. It
// fails when the file cannot be read or decoded.
func (w *World) read(typ sluice.ResourceType, name string) (*record, error) {
	b, err := os.ReadFile(w.recordPath(typ, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, sluice.Transient(sluice.E("local.read: "+string(typ)+"/"+name, sluice.KindInternal, err))
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, sluice.Stalled(sluice.E("local.read: "+string(typ)+"/"+name, sluice.KindInvalid, err))
	}
	return &r, nil
}

// write stores r atomically: a temporary file renamed over the old one.
func (w *World) write(r *record) error {
	w.forgetMachines(r.Type)
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return sluice.E("local.write: "+r.Name, sluice.KindInternal, err)
	}
	if err := writeAtomic(w.recordPath(r.Type, r.Name), append(b, '\n'), true); err != nil {
		return sluice.Transient(sluice.E("local.write: "+r.Name, sluice.KindInternal, err))
	}
	return nil
}

// drop removes the record of typ and name; a missing one is no error.
func (w *World) drop(typ sluice.ResourceType, name string) error {
	w.forgetMachines(typ)
	err := os.Remove(w.recordPath(typ, name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return sluice.Transient(sluice.E("local.drop: "+name, sluice.KindInternal, err))
	}
	return nil
}

// list returns every record of typ, in name order.
func (w *World) list(typ sluice.ResourceType) ([]*record, error) {
	entries, err := os.ReadDir(filepath.Join(w.dir, recordsDir, string(typ)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, sluice.Transient(sluice.E("local.list: "+string(typ), sluice.KindInternal, err))
	}
	var out []*record
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		r, err := w.read(typ, name)
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// writeAtomic writes data to path through a temporary file in the same
// directory, renamed into place (once synced to disk when durable), so
// no reader sees it half written.
func writeAtomic(path string, data []byte, durable bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	_, err = f.Write(data)
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// newRecord is the record a create makes of t.
func newRecord(t sluice.Target, arn, status string) *record {
	now := time.Now().UTC()
	return &record{Type: t.Type, Name: t.Name, ARN: arn, Tags: maps.Clone(t.Tags), Spec: t.Spec, Status: status, Created: now, Updated: now}
}

// owned reports whether r carries Sluice's ownership tags for t.
func owned(t sluice.Target, r *record) bool {
	o := sluice.Observation{Tags: r.Tags}
	return o.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID)
}

// notOwned is the stalled error for a name taken by a record without
// Sluice's ownership tags for t.
func notOwned(t sluice.Target, arn string) error {
	return sluice.Because(sluice.RetryStalled, sluice.ReasonNotOwned, 0, sluice.E("local.Create: "+string(t.ID), sluice.KindConflict,
		fmt.Errorf("name %q is taken by %s, which does not carry Sluice's ownership tags for %s: refusing to adopt it", t.Name, arn, t.ID)))
}

// observe is the observation of r for the desired spec: its spec
// restricted to the top-level fields desired sets (all of them when
// desired is empty).
func observe(r *record, desired json.RawMessage) sluice.Observation {
	return sluice.Observation{Exists: true, ARN: r.ARN, Tags: maps.Clone(r.Tags), Spec: restrict(r.Spec, desired), Status: r.Status}
}

// restrict keeps the top-level fields of spec that desired sets.
func restrict(spec, desired json.RawMessage) json.RawMessage {
	var d, s map[string]json.RawMessage
	if json.Unmarshal(desired, &d) != nil || json.Unmarshal(spec, &s) != nil || len(d) == 0 {
		return spec
	}
	maps.DeleteFunc(s, func(k string, _ json.RawMessage) bool { _, ok := d[k]; return !ok })
	out, err := json.Marshal(s)
	if err != nil {
		return spec
	}
	return out
}

// discover returns the observations of the records of typ that carry
// Sluice's ownership tags for project and env.
func (w *World) discover(typ sluice.ResourceType, project, env string) ([]sluice.Observation, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	recs, err := w.list(typ)
	if err != nil {
		return nil, err
	}
	var out []sluice.Observation
	for _, r := range recs {
		if r.Status != statusInactive && r.Tags[sluice.TagManagedBy] == sluice.ManagedByValue &&
			r.Tags[sluice.TagProject] == project && r.Tags[sluice.TagEnvironment] == env {
			out = append(out, observe(r, nil))
		}
	}
	return out, nil
}

// invalidSpec is the stalled error for a spec the local backend cannot
// read.
func invalidSpec(t sluice.Target, err error) error {
	return sluice.Stalled(sluice.E("local: "+string(t.ID), sluice.KindInvalid, fmt.Errorf("spec: %w", err)))
}
