package local_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/internal/pgtest"
	"github.com/sluice-dev/sluice/reconcile"
)

const (
	dbSpec          = `{"DBInstanceIdentifier":"churn-dev-metadata","Engine":"postgres","EngineVersion":"16.4","DBName":"mlmetadata","MasterUsername":"sluice","DeletionProtection":false,"AllocatedStorage":20}`
	dbSpecBigger    = `{"DBInstanceIdentifier":"churn-dev-metadata","Engine":"postgres","EngineVersion":"16.4","DBName":"mlmetadata","MasterUsername":"sluice","DeletionProtection":false,"AllocatedStorage":50}`
	dbSpecProtected = `{"DBInstanceIdentifier":"churn-dev-metadata","Engine":"postgres","EngineVersion":"16.4","DBName":"mlmetadata","MasterUsername":"sluice","DeletionProtection":true,"AllocatedStorage":50}`
)

// databaseExists asks the server whether it has the database name.
func databaseExists(t *testing.T, dsn, name string) bool {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(t.Context()) }()
	var found bool
	if err := conn.QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&found); err != nil {
		t.Fatal(err)
	}
	return found
}

// TestMetadataStoreOnPostgres runs MetadataStores on one real
// PostgreSQL server.
func TestMetadataStoreOnPostgres(t *testing.T) {
	srv := pgtest.Start(t)
	t.Run("lifecycle", func(t *testing.T) { testMetadataLifecycle(t, srv) })
	t.Run("foreign database", func(t *testing.T) { testMetadataForeign(t, srv) })
}

// testMetadataLifecycle: create makes the database, deletion protection
// stops a delete, delete drops it.
func testMetadataLifecycle(t *testing.T, srv *pgtest.Server) {
	w := mustWorld(t, local.Options{PostgresDSN: srv.DSN})
	b := backend(t, w, sluice.TypeDBInstance)
	tg := target(sluice.TypeDBInstance, "metadata", "churn-dev-metadata", dbSpec)

	obs := mustCreate(t, b, tg)
	if obs.ARN != "arn:aws:rds:local:000000000000:db:churn-dev-metadata" || !databaseExists(t, srv.DSN, tg.Name) {
		t.Fatalf("created %+v; want the database on the server", obs)
	}
	obs = mustObserve(t, b, tg)
	if !obs.Exists || obs.Status != "available" || !reconcile.SameJSON(obs.Spec, tg.Spec) || !obs.Owned(projectName, env, tg.ID) {
		t.Fatalf("observed %+v, want the available database Sluice owns", obs)
	}

	protected := tg
	protected.Spec = []byte(dbSpecProtected)
	if obs, err := b.Update(t.Context(), protected, obs); err != nil || !reconcile.SameJSON(obs.Spec, protected.Spec) {
		t.Fatalf("update: %v, %s", err, obs.Spec)
	}
	err := b.Delete(t.Context(), protected, obs)
	wantRetry(t, err, sluice.RetryStalled)
	if !strings.Contains(err.Error(), "deletion protection") || !databaseExists(t, srv.DSN, tg.Name) {
		t.Fatalf("delete with deletion protection: %v; want it refused and the database kept", err)
	}

	unprotected := tg
	unprotected.Spec = []byte(dbSpecBigger)
	if _, err := b.Update(t.Context(), unprotected, obs); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(t.Context(), unprotected, obs); err != nil {
		t.Fatal(err)
	}
	if databaseExists(t, srv.DSN, tg.Name) {
		t.Error("database still on the server after delete")
	}
	if obs := mustObserve(t, b, tg); obs.Exists {
		t.Errorf("observed %+v after delete", obs)
	}
}

// testMetadataForeign checks that a database made by hand with the
// instance's name is not adopted.
func testMetadataForeign(t *testing.T, srv *pgtest.Server) {
	conn, err := pgx.Connect(t.Context(), srv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(t.Context(), `CREATE DATABASE "churn-dev-handmade"`); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(t.Context())
	w := mustWorld(t, local.Options{PostgresDSN: srv.DSN})
	b := backend(t, w, sluice.TypeDBInstance)
	tg := target(sluice.TypeDBInstance, "metadata", "churn-dev-handmade", dbSpec)
	if obs := mustObserve(t, b, tg); !obs.Exists || obs.Owned(projectName, env, tg.ID) {
		t.Fatalf("observed %+v, want an existing database Sluice does not own", obs)
	}
	_, err = b.Create(t.Context(), tg)
	wantRetry(t, err, sluice.RetryStalled)
}

// TestMetadataStoreUnavailable checks that with no server, or one that
// cannot be reached, a MetadataStore is reported unavailable, never
// faked.
func TestMetadataStoreUnavailable(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"no DSN", "", "no PostgreSQL server is configured"},
		{"unreachable", "host=" + t.TempDir() + " port=5432 user=sluice dbname=postgres connect_timeout=2", "unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustWorld(t, local.Options{PostgresDSN: tt.dsn})
			b := backend(t, w, sluice.TypeDBInstance)
			tg := target(sluice.TypeDBInstance, "metadata", "churn-dev-metadata", dbSpec)
			_, err := b.Create(t.Context(), tg)
			wantRetry(t, err, sluice.RetryStalled)
			if !strings.Contains(err.Error(), "metadata store unavailable") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say the store is unavailable and why (%q)", err, tt.want)
			}
			if obs := mustObserve(t, b, tg); obs.Exists {
				t.Errorf("observed %+v after a refused create", obs)
			}
		})
	}
}
