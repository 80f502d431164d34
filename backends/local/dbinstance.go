package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// Database statuses, in RDS's words where it has one.
const (
	statusAvailable   = "available"
	statusUnavailable = "unavailable"
)

// connectTimeout bounds how long reaching the PostgreSQL server may take.
const connectTimeout = 10 * time.Second

// dbSpec is what the local backend reads of a CreateDBInstance input.
type dbSpec struct {
	Engine             string `json:"Engine"`
	DBName             string `json:"DBName"`
	MasterUsername     string `json:"MasterUsername"`
	StorageEncrypted   bool   `json:"StorageEncrypted"`
	DeletionProtection bool   `json:"DeletionProtection"`
}

// dbInstances keeps MetadataStores as databases on the PostgreSQL server
// Options.PostgresDSN names, one database per instance, named after the
// instance identifier; the record holds tags and the RDS-shaped spec.
type dbInstances struct{ *kind }

func newDBInstances(w *World) *dbInstances {
	return &dbInstances{&kind{w: w, typ: sluice.TypeDBInstance, arnOf: func(t sluice.Target) string { return arn("rds", "db:"+t.Name) }}}
}

// unavailable is the stalled error for a metadata store that cannot be
// made: no server configured, or the server unreachable.
func unavailable(t sluice.Target, why error) error {
	return sluice.Stalled(sluice.E("local: "+string(t.ID), sluice.KindInvalid, fmt.Errorf("metadata store unavailable: %w", why)))
}

// connect opens a connection to the configured server. It fails when
// none is configured or it cannot be reached within connectTimeout.
func (d *dbInstances) connect(ctx context.Context) (*pgx.Conn, error) {
	if d.w.opts.PostgresDSN == "" {
		return nil, errors.New("no PostgreSQL server is configured for the local backend (its PostgreSQL DSN is empty)")
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.w.opts.PostgresDSN)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL server unreachable: %w", err)
	}
	return conn, nil
}

// exists reports whether the server has a database named name.
func exists(ctx context.Context, conn *pgx.Conn, name string) (bool, error) {
	var found bool
	err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&found)
	return found, err
}

// Observe reads the record and looks for its database. A database
// without a record is one Sluice does not own; a record whose database
// is gone is Exists false; with no server to ask, the record is
// reported with status unavailable.
func (d *dbInstances) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	t = recorded(t)
	r, err := d.record(t.Name)
	if err != nil {
		return sluice.Observation{}, err
	}
	conn, cerr := d.connect(ctx)
	if cerr != nil {
		if r == nil {
			return sluice.Observation{}, nil
		}
		obs := observe(r, t.Spec)
		obs.Status = statusUnavailable
		return obs, nil
	}
	defer func() { _ = conn.Close(ctx) }()
	found, err := exists(ctx, conn, t.Name)
	switch {
	case err != nil:
		return sluice.Observation{}, sluice.Transient(sluice.E("local.Observe: "+string(t.ID), sluice.KindTransient, err))
	case !found:
		return sluice.Observation{}, nil
	case r == nil:
		return sluice.Observation{Exists: true, ARN: d.arnOf(t), Status: statusAvailable}, nil
	}
	return observe(r, t.Spec), nil
}

func (d *dbInstances) record(name string) (*record, error) {
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	return d.w.read(sluice.TypeDBInstance, name)
}

// Create makes the database and its record. No server configured, or
// one unreachable, is a stalled error saying the metadata store is
// unavailable and why; a database or record Sluice does not own for t is
// stalled too.
func (d *dbInstances) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	if err := checkName(t); err != nil {
		return sluice.Observation{}, err
	}
	var s dbSpec
	if err := json.Unmarshal(t.Spec, &s); err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	if s.Engine != "" && s.Engine != "postgres" {
		return sluice.Observation{}, invalidSpec(t, fmt.Errorf("the local backend makes PostgreSQL databases only, not %q", s.Engine))
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return sluice.Observation{}, unavailable(t, err)
	}
	defer func() { _ = conn.Close(ctx) }()
	r, err := d.record(t.Name)
	if err != nil {
		return sluice.Observation{}, err
	}
	found, err := exists(ctx, conn, t.Name)
	switch {
	case err != nil:
		return sluice.Observation{}, sluice.Transient(sluice.E("local.Create: "+string(t.ID), sluice.KindTransient, err))
	case r != nil && !owned(t, r):
		return sluice.Observation{}, notOwned(t, r.ARN)
	case found && r == nil:
		return sluice.Observation{}, notOwned(t, "database "+t.Name)
	case !found:
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{t.Name}.Sanitize()); err != nil {
			return sluice.Observation{}, sluice.Stalled(sluice.E("local.Create: "+string(t.ID), sluice.KindInvalid, fmt.Errorf("create database: %w", err)))
		}
	}
	if r != nil {
		return observe(r, t.Spec), nil
	}
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	return d.store(newRecord(t, d.arnOf(t), statusAvailable), t)
}

// Update records the new spec; a change of Engine, DBName,
// MasterUsername or StorageEncrypted returns reconcile.ErrReplace, as
// RDS cannot make it in place. A DBName removed from the spec is kept,
// as RDS keeps the database.
func (d *dbInstances) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	r, err := d.record(t.Name)
	if err != nil || r == nil {
		return d.kind.Update(ctx, t, current)
	}
	var o, n dbSpec
	_ = json.Unmarshal(r.Spec, &o)
	if err := json.Unmarshal(t.Spec, &n); err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	desired := t.Spec
	if n.DBName == "" && o.DBName != "" {
		// A database left out of the document is left as it is, as RDS
		// cannot drop or rename it.
		spec, err := withField(t.Spec, "DBName", o.DBName)
		if err != nil {
			return sluice.Observation{}, invalidSpec(t, err)
		}
		t.Spec, n.DBName = spec, o.DBName
	}
	if owned(t, r) && (o.Engine != n.Engine || o.DBName != n.DBName || o.MasterUsername != n.MasterUsername || o.StorageEncrypted != n.StorageEncrypted) {
		return sluice.Observation{}, reconcile.ErrReplace
	}
	obs, err := d.kind.Update(ctx, t, current)
	obs.Spec = restrict(obs.Spec, desired)
	return obs, err
}

// Delete drops the database and its record. Deletion protection, or no
// server to drop it on, is a stalled error; an unreachable server is
// transient.
func (d *dbInstances) Delete(ctx context.Context, t sluice.Target, _ sluice.Observation) error {
	r, err := d.record(t.Name)
	if err != nil || r == nil {
		return err
	}
	var s dbSpec
	_ = json.Unmarshal(r.Spec, &s)
	if s.DeletionProtection {
		return sluice.Stalled(sluice.E("local.Delete: "+string(t.ID), sluice.KindConflict,
			errors.New("deletion protection is on: turn it off in the document first")))
	}
	if d.w.opts.PostgresDSN == "" {
		return unavailable(t, errors.New("no PostgreSQL server is configured to drop the database on"))
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return sluice.Transient(sluice.E("local.Delete: "+string(t.ID), sluice.KindTransient, err))
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{t.Name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return sluice.Transient(sluice.E("local.Delete: "+string(t.ID), sluice.KindTransient, fmt.Errorf("drop database: %w", err)))
	}
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	return d.w.drop(sluice.TypeDBInstance, t.Name)
}

// withField returns the JSON object spec with key set to v.
func withField(spec json.RawMessage, key string, v any) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(spec, &m); err != nil {
		return nil, err
	}
	m[key] = v
	return json.Marshal(m)
}
