package daemon_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/rollout"
)

// TestDaemonReload replaces the configuration of a running daemon: a
// removed environment goes, an unchanged one keeps its state and its
// worker, a new webhook secret takes effect; a configuration that cannot
// be applied is refused and the running one kept.
func TestDaemonReload(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	h.applied("staging", first, daemon.StateSynced)
	text := configText(h.dir, gitserver.FileURL(h.bare), time.Hour)
	withoutProd, _, found := strings.Cut(text, "      - name: prod")
	if !found {
		t.Fatal("no prod in the configuration")
	}
	t.Setenv("SLUICE_TEST_HOOK_SECRET", "rotated-secret")
	cfg, err := config.Parse(filepath.Join(h.dir, "daemon.yaml"), []byte(withoutProd))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.d.Reload(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	var list []daemon.Status
	h.getJSON("/api/v1/environments", &list)
	if len(list) != 2 || list[0].Environment != "dev" || list[1].Environment != "staging" {
		t.Fatalf("environments after dropping prod: %+v", list)
	}
	if list[0].Applied != first || list[0].State != daemon.StateSynced {
		t.Errorf("dev lost its state in the reload: %+v", list[0])
	}
	if code := h.webhook("dev", testSecret, "old-secret"); code != http.StatusUnauthorized {
		t.Errorf("the old webhook secret answered %d after the rotation, want 401", code)
	}
	second := edit(t, h.bare, "dev", "after reload")
	if code := h.webhook("dev", "rotated-secret", "new-secret"); code != http.StatusAccepted {
		t.Errorf("the new webhook secret answered %d, want 202", code)
	}
	h.applied("dev", second, daemon.StateSynced)
	fams := scrape(t, h)
	if v := value(fams, "sluice_config_last_reload_successful", nil); v != 1 {
		t.Errorf("sluice_config_last_reload_successful = %v, want 1", v)
	}
	if n := len(fams["sluice_environment_info"].GetMetric()); n != 2 {
		t.Errorf("%d info series after dropping prod, want 2", n)
	}

	t.Setenv("SLUICE_TEST_HOOK_SECRET", "")
	bad, err := config.Parse(filepath.Join(h.dir, "daemon.yaml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.d.Reload(context.Background(), bad); err == nil {
		t.Fatal("a configuration whose webhook secret cannot be read was applied")
	}
	if v := value(scrape(t, h), "sluice_config_last_reload_successful", nil); v != 0 {
		t.Errorf("sluice_config_last_reload_successful = %v after a failed reload, want 0", v)
	}
	h.getJSON("/api/v1/environments", &list)
	if len(list) != 2 {
		t.Errorf("a failed reload changed the environments: %+v", list)
	}
	third := edit(t, h.bare, "dev", "after a refused reload")
	if code := h.webhook("dev", "rotated-secret", "after-refused"); code != http.StatusAccepted {
		t.Errorf("webhook after a refused reload answered %d, want 202", code)
	}
	h.applied("dev", third, daemon.StateSynced)
}

// TestDaemonReloadAppliesLocalSettings reloads a configuration that adds
// a PostgreSQL DSN to the local backend's settings: the environments
// connect again with it, and again when only the secret's value changes.
// A DSN that cannot be read, or environments sharing a data directory
// with different settings, are refused with the reason.
func TestDaemonReloadAppliesLocalSettings(t *testing.T) {
	bare := newDemoRepo(t)
	dir := t.TempDir()
	var mu sync.Mutex
	connected := map[string]string{}
	record := func(env config.Environment, tg *rollout.Target) (*rollout.Target, error) {
		dsn := "none"
		if env.Local.PostgresDSN != nil {
			b, err := env.Local.PostgresDSN.Read()
			if err != nil {
				return nil, err
			}
			dsn = string(b)
		}
		mu.Lock()
		connected[env.Name] = dsn
		mu.Unlock()
		return tg, nil
	}
	text := configText(dir, gitserver.FileURL(bare), time.Hour)
	h := startDaemonWith(t, dir, text, harnessOptions{target: record})
	h.bare = bare
	first := gitserver.Head(t, bare, "dev")
	h.applied("dev", first, daemon.StateSynced)
	connectedWith := func(env, dsn string) {
		t.Helper()
		h.waitFor(env, 30*time.Second, "a connection with DSN "+dsn, func(daemon.Status) bool {
			mu.Lock()
			defer mu.Unlock()
			return connected[env] == dsn
		})
	}
	connectedWith("dev", "none")

	reload := func(text string) error {
		t.Helper()
		cfg, err := config.Parse(filepath.Join(dir, "daemon.yaml"), []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return h.d.Reload(context.Background(), cfg)
	}
	t.Setenv("SLUICE_TEST_DSN", "postgres://sluice@127.0.0.1:1/first")
	if err := reload(withDSN(text, "dev")); err == nil || !strings.Contains(err.Error(), "shares local.dir") {
		t.Errorf("environments sharing a data directory with different DSNs: reload error %v, want one naming the shared local.dir", err)
	}
	if err := reload(withDSN(text, "dev", "staging", "prod")); err != nil {
		t.Fatal(err)
	}
	connectedWith("dev", "postgres://sluice@127.0.0.1:1/first")
	connectedWith("staging", "postgres://sluice@127.0.0.1:1/first")

	t.Setenv("SLUICE_TEST_DSN", "postgres://sluice@127.0.0.1:1/second")
	if err := reload(withDSN(text, "dev", "staging", "prod")); err != nil {
		t.Fatal(err)
	}
	connectedWith("dev", "postgres://sluice@127.0.0.1:1/second")

	t.Setenv("SLUICE_TEST_DSN", "")
	if err := reload(withDSN(text, "dev", "staging", "prod")); err == nil || !strings.Contains(err.Error(), "local.postgresDSN") {
		t.Errorf("an unreadable DSN: reload error %v, want one naming local.postgresDSN", err)
	}
	if v := value(scrape(t, h), "sluice_config_last_reload_successful", nil); v != 0 {
		t.Errorf("sluice_config_last_reload_successful = %v after a refused reload, want 0", v)
	}
	h.applied("dev", first, daemon.StateSynced)
}

// withDSN gives the environments envs of text a PostgreSQL DSN read from
// SLUICE_TEST_DSN.
func withDSN(text string, envs ...string) string {
	blocks := strings.Split(text, "      - name: ")
	for i, b := range blocks {
		name, _, _ := strings.Cut(b, "\n")
		if slices.Contains(envs, name) {
			blocks[i] = strings.Replace(b, "}\n", ", postgresDSN: {env: SLUICE_TEST_DSN}}\n", 1)
		}
	}
	return strings.Join(blocks, "      - name: ")
}
