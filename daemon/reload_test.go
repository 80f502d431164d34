package daemon_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/gitserver"
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
