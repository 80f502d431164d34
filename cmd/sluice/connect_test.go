package main

import (
	"log/slog"
	"testing"

	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/daemon/config"
)

// TestConnectorFollowsLocalSettings checks that a reload which changes a
// local data directory's settings (a PostgreSQL DSN added, its value
// changed) is served by a new world, and that unchanged settings keep
// the world they have.
func TestConnectorFollowsLocalSettings(t *testing.T) {
	c := newConnector(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { _ = c.close() })
	dir := t.TempDir()
	world := func(l *config.Local) *local.World {
		t.Helper()
		w, err := c.world(config.Environment{Name: "dev", Backend: config.BackendLocal, Local: l})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	plain := world(&config.Local{Dir: dir})
	if world(&config.Local{Dir: dir}) != plain {
		t.Error("the same settings made a second world")
	}
	t.Setenv("SLUICE_TEST_DSN", "postgres://sluice@127.0.0.1:1/a")
	withDSN := &config.Local{Dir: dir, PostgresDSN: &config.Secret{Env: "SLUICE_TEST_DSN"}}
	first := world(withDSN)
	if first == plain {
		t.Error("a postgresDSN added to the settings kept the world made without one")
	}
	if world(withDSN) != first {
		t.Error("the same DSN made a second world")
	}
	t.Setenv("SLUICE_TEST_DSN", "postgres://sluice@127.0.0.1:1/b")
	if world(withDSN) == first {
		t.Error("a changed DSN value kept the world made with the old one")
	}
	t.Setenv("SLUICE_TEST_DSN", "")
	if _, err := c.world(config.Environment{Name: "dev", Backend: config.BackendLocal, Local: withDSN}); err == nil {
		t.Error("an unreadable DSN connected")
	}
}
