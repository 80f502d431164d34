package daemon_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/statestore"
)

// twoRepos is a daemon watching two repositories that both deploy dev:
// app (project demo, sync auto) and infra (project other, sync manual),
// on one local world.
type twoRepos struct {
	dir, appBare, infraBare string
	appHead, infraHead      string
}

func newTwoRepos(t *testing.T) *twoRepos { return newTwoReposOf(t, "other") }

// newTwoReposOf is newTwoRepos with infra's project called infraProject.
func newTwoReposOf(t *testing.T, infraProject string) *twoRepos {
	t.Helper()
	r := &twoRepos{dir: t.TempDir()}
	files := demoFiles(t)
	r.appBare = gitserver.NewRepo(t, files, "dev")
	other := map[string]string{}
	for k, v := range files {
		other[k] = v
	}
	other["sluice.yaml"] = strings.Replace(files["sluice.yaml"], "name: demo", "name: "+infraProject, 1)
	r.infraBare = gitserver.NewRepo(t, other, "dev")
	r.appHead, r.infraHead = gitserver.Head(t, r.appBare, "dev"), gitserver.Head(t, r.infraBare, "dev")
	return r
}

// config is the daemon's configuration: app alone, or app and infra.
func (r *twoRepos) config(withInfra bool) string {
	world := filepath.Join(r.dir, "world")
	text := fmt.Sprintf(`listen: 127.0.0.1:0
stateFile: %s
apiToken: {env: SLUICE_TEST_API_TOKEN}
repositories:
  - name: app
    url: %s
    pollInterval: 1h
    environments:
      - {name: dev, branch: dev, backend: local, local: {dir: %s}, prune: true, driftInterval: 0s}
`, filepath.Join(r.dir, "state.db"), gitserver.FileURL(r.appBare), world)
	if withInfra {
		text += fmt.Sprintf(`  - name: infra
    url: %s
    pollInterval: 1h
    environments:
      - {name: dev, branch: dev, backend: local, local: {dir: %s}, sync: manual, prune: true, driftInterval: 0s}
`, gitserver.FileURL(r.infraBare), world)
	}
	return text
}

// apiPath is the API path of an environment, its name escaped.
func apiPath(name, sub string) string {
	p := "/api/v1/environments/" + url.PathEscape(name)
	if sub != "" {
		p += "/" + sub
	}
	return p
}

// TestSharedEnvironmentName runs two repositories that both deploy dev
// on one daemon: both reconcile and are listed under their qualified
// names, status, approve, sync and history work by qualified name, the
// short name is refused with the names to use, neither's state holds
// the other's resources, and a restart keeps both.
func TestSharedEnvironmentName(t *testing.T) {
	r := newTwoRepos(t)
	h := startDaemon(t, r.dir, r.config(true))
	app := h.applied("app/dev", r.appHead, daemon.StateSynced)
	waiting := h.waitFor("infra/dev", 30*time.Second, "a plan waiting", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Pending != nil
	})
	if app.Repository != "app" || waiting.Repository != "infra" || app.Managed == 0 {
		t.Fatalf("statuses: app/dev %+v, infra/dev %+v", app, waiting)
	}

	var list []daemon.Status
	h.getJSON("/api/v1/environments", &list)
	if len(list) != 2 || list[0].Environment != "app/dev" || list[1].Environment != "infra/dev" {
		t.Fatalf("listed: %+v", list)
	}

	for _, path := range []string{apiPath("dev", ""), apiPath("dev", "history")} {
		code, _, body := get(t, http.DefaultClient, h.api.URL, path)
		if code != http.StatusBadRequest || !strings.Contains(body, "did you mean app/dev or infra/dev") {
			t.Errorf("GET %s: %d %s; want 400 naming app/dev and infra/dev", path, code, body)
		}
	}
	if code, body := h.post(apiPath("dev", "sync"), testToken, nil); code != http.StatusBadRequest || !strings.Contains(body, "app/dev or infra/dev") {
		t.Errorf("sync dev: %d %s; want 400 naming both", code, body)
	}

	code, body := h.post(apiPath("infra/dev", "approve"), testToken, map[string]string{"revision": r.infraHead, "hash": waiting.Pending.Hash})
	if code != http.StatusOK {
		t.Fatalf("approve infra/dev: %d %s", code, body)
	}
	infra := h.applied("infra/dev", r.infraHead, daemon.StateSynced)
	if code, body := h.post(apiPath("app/dev", "sync"), testToken, nil); code != http.StatusOK {
		t.Errorf("sync app/dev: %d %s", code, body)
	}
	var history []statestore.Entry
	h.getJSON(apiPath("infra/dev", "history"), &history)
	if len(history) != 1 || history[0].Revision != r.infraHead {
		t.Errorf("history of infra/dev: %+v", history)
	}
	if app := h.status("app/dev"); app.Managed != infra.Managed || app.Applied != r.appHead {
		t.Errorf("app/dev manages %d, infra/dev %d; app/dev applied %s", app.Managed, infra.Managed, app.Applied)
	}
	metrics := rawMetrics(t, h.api.URL)
	for _, want := range []string{`environment="app/dev"`, `environment="infra/dev"`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics has no series with %s", want)
		}
	}
	h.stop()

	checkState(t, r.dir, map[string]held{"app/dev": {"demo-dev-", "app"}, "infra/dev": {"other-dev-", "infra"}}, "dev")

	h = startDaemon(t, r.dir, r.config(true))
	h.applied("app/dev", r.appHead, daemon.StateSynced)
	h.applied("infra/dev", r.infraHead, daemon.StateSynced)
}

// TestSharedEnvironmentNameMigration: a daemon of one repository keeps
// dev's state under dev; when a second repository with dev joins, that
// state moves to app/dev with its history (the new one starts its own),
// and back to dev when the second leaves.
func TestSharedEnvironmentNameMigration(t *testing.T) {
	r := newTwoRepos(t)
	h := startDaemon(t, r.dir, r.config(false))
	h.applied("dev", r.appHead, daemon.StateSynced)
	h.stop()
	checkState(t, r.dir, map[string]held{"dev": {"demo-dev-", "app"}})

	h = startDaemon(t, r.dir, r.config(true))
	var history []statestore.Entry
	h.getJSON(apiPath("app/dev", "history"), &history)
	if len(history) != 1 || history[0].Revision != r.appHead {
		t.Errorf("history of app/dev after the clash: %+v; want the one applied as dev", history)
	}
	h.applied("app/dev", r.appHead, daemon.StateSynced)
	h.waitFor("infra/dev", 30*time.Second, "a plan waiting", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Applied == ""
	})
	h.stop()
	checkState(t, r.dir, map[string]held{"app/dev": {"demo-dev-", "app"}}, "dev")

	h = startDaemon(t, r.dir, r.config(false))
	h.getJSON(apiPath("dev", "history"), &history)
	if len(history) != 1 || history[0].Revision != r.appHead {
		t.Errorf("history of dev once the clash ended: %+v", history)
	}
	h.applied("dev", r.appHead, daemon.StateSynced)
	h.stop()
	checkState(t, r.dir, map[string]held{"dev": {"demo-dev-", "app"}}, "app/dev")
	h = startDaemon(t, r.dir, r.config(false))
	// A qualified name works without a clash too.
	if s := h.status("app/dev"); s.Environment != "dev" || s.Repository != "app" {
		t.Errorf("status of app/dev: %+v", s)
	}
}

// held is what a state key must hold: resources all named with prefix
// (its own project's), and owner recorded as its repository.
type held struct{ prefix, owner string }

// checkState opens the state file of a stopped daemon and checks that it
// holds the environments of want, as want says, and none of absent.
func checkState(t *testing.T, dir string, want map[string]held, absent ...string) {
	t.Helper()
	s, err := statestore.Open(filepath.Join(dir, "state.db"), statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := errors.Join(s.Check(), s.Close()); err != nil {
			t.Error(err)
		}
	}()
	err = s.View(func(tx *statestore.Tx) error {
		envs, err := tx.Environments()
		if err != nil {
			return err
		}
		for _, key := range envs {
			if _, ok := want[key]; !ok && slices.Contains(absent, key) {
				t.Errorf("state holds %v, want none of %v", envs, absent)
			}
		}
		for key, w := range want {
			recs, err := tx.Resources(key)
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				t.Errorf("%s: no inventory", key)
			}
			for _, rec := range recs {
				if !strings.HasPrefix(rec.Name, w.prefix) {
					t.Errorf("%s holds %s (%s), not named %s...", key, rec.ID, rec.Name, w.prefix)
				}
			}
			m, err := tx.Meta(key)
			if err != nil {
				return err
			}
			if m.Repository != w.owner {
				t.Errorf("%s: owner %q recorded, want %q", key, m.Repository, w.owner)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// scrape reads /metrics.
func rawMetrics(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return string(data)
}

// TestSharedEnvironmentNameSameProject: two repositories whose dev
// deploys the same project would name and tag their resources alike;
// the one that loads second stalls, saying why, and applies nothing.
func TestSharedEnvironmentNameSameProject(t *testing.T) {
	r := newTwoReposOf(t, "demo")
	h := startDaemon(t, r.dir, r.config(true))
	var stalled daemon.Status
	h.waitFor("app/dev", 30*time.Second, "one of the two stalled", func(s daemon.Status) bool {
		stalled = s
		if s.State != daemon.StateFailed {
			stalled = h.status("infra/dev")
		}
		return stalled.State == daemon.StateFailed
	})
	if !strings.Contains(stalled.Message, "repositories app and infra both deploy project demo as environment dev") {
		t.Errorf("%s: %s", stalled.Environment, stalled.Message)
	}
	if stalled.Applied != "" || stalled.Managed != 0 {
		t.Errorf("%s applied %q, manages %d; want nothing", stalled.Environment, stalled.Applied, stalled.Managed)
	}
}

// TestSharedEnvironmentNameUnrecordedOwner: state written before owners
// were recorded cannot be told to be app's when infra's dev appears: it
// stays under dev, untouched, with a warning, and app/dev rebuilds its
// inventory from ownership tags, deleting nothing.
func TestSharedEnvironmentNameUnrecordedOwner(t *testing.T) {
	r := newTwoRepos(t)
	h := startDaemon(t, r.dir, r.config(false))
	applied := h.applied("dev", r.appHead, daemon.StateSynced)
	h.stop()
	s, err := statestore.Open(filepath.Join(r.dir, "state.db"), statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *statestore.Tx) error {
		m, err := tx.Meta("dev")
		if err != nil {
			return err
		}
		m.Repository = ""
		return tx.PutMeta("dev", m)
	})
	if err = errors.Join(err, s.Close()); err != nil {
		t.Fatal(err)
	}

	logs := &logRecorder{}
	h = startDaemonWith(t, r.dir, r.config(true), harnessOptions{logs: logs})
	app := h.waitFor("app/dev", 30*time.Second, "synced", func(s daemon.Status) bool {
		return s.State == daemon.StateSynced && s.Applied == r.appHead
	})
	if app.Managed != applied.Managed {
		t.Errorf("app/dev manages %d after the rebuild, dev managed %d", app.Managed, applied.Managed)
	}
	if got := logs.matching(slog.LevelWarn, "state under the short name left in place", map[string]string{"env": "app/dev", "state": "dev"}); len(got) != 1 {
		t.Errorf("warnings about the state left: %v, want one", got)
	}
	h.stop()
	checkState(t, r.dir, map[string]held{"dev": {"demo-dev-", ""}, "app/dev": {"demo-dev-", "app"}})
}

// TestSharedEnvironmentNameReload: a reload that adds a repository with
// dev moves the running dev's state to app/dev, its history with it, and
// a reload that removes it moves it back.
func TestSharedEnvironmentNameReload(t *testing.T) {
	r := newTwoRepos(t)
	h := startDaemon(t, r.dir, r.config(false))
	h.applied("dev", r.appHead, daemon.StateSynced)
	reload := func(withInfra bool) {
		t.Helper()
		cfg, err := config.Parse(filepath.Join(r.dir, "daemon.yaml"), []byte(r.config(withInfra)))
		if err != nil {
			t.Fatal(err)
		}
		if err := h.d.Reload(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	reload(true)
	var history []statestore.Entry
	h.getJSON(apiPath("app/dev", "history"), &history)
	if len(history) != 1 || history[0].Revision != r.appHead {
		t.Errorf("history of app/dev after the reload: %+v", history)
	}
	h.applied("app/dev", r.appHead, daemon.StateSynced)
	reload(false)
	h.getJSON(apiPath("dev", "history"), &history)
	if len(history) != 1 || history[0].Revision != r.appHead {
		t.Errorf("history of dev after the second reload: %+v", history)
	}
	h.applied("dev", r.appHead, daemon.StateSynced)
	h.stop()
	checkState(t, r.dir, map[string]held{"dev": {"demo-dev-", "app"}}, "app/dev")
}

// TestSharedEnvironmentNamePages: the pages link an environment whose
// key is REPO/ENV with the key escaped as one path segment, the links
// lead to the pages, and a short name several repositories use is a 400
// page naming the keys, not a 500.
func TestSharedEnvironmentNamePages(t *testing.T) {
	r := newTwoRepos(t)
	h := startDaemon(t, r.dir, r.config(true))
	h.applied("app/dev", r.appHead, daemon.StateSynced)

	code, _, home := get(t, http.DefaultClient, h.api.URL, "/")
	if code != http.StatusOK {
		t.Fatalf("GET /: %d", code)
	}
	links := regexp.MustCompile(`href="(/ui/env/app%2[fF]dev/[^"]+)"`).FindAllStringSubmatch(home, -1)
	if len(links) == 0 || strings.Contains(home, `href="/ui/env/app/dev/`) {
		t.Fatalf("the environments page links app/dev unescaped or not at all:\n%s", home)
	}
	for _, l := range links {
		path := html.UnescapeString(l[1])
		if code, _, body := get(t, http.DefaultClient, h.api.URL, path); code != http.StatusOK {
			t.Errorf("GET %s (linked from /): %d %s", path, code, body)
		}
	}
	code, _, body := get(t, http.DefaultClient, h.api.URL, "/ui/env/dev/plan")
	if code != http.StatusBadRequest || !strings.Contains(body, "app/dev or infra/dev") {
		t.Errorf("GET /ui/env/dev/plan: %d; want 400 naming app/dev and infra/dev:\n%s", code, body)
	}
}

// TestSharedEnvironmentNameSameProjectApplied: a repository whose
// project another repository already deployed as the same environment
// stalls and applies nothing even while that other one is not loaded
// (here: suspended, so it never claims its project): what it applied
// says which project it deploys.
func TestSharedEnvironmentNameSameProjectApplied(t *testing.T) {
	r := newTwoReposOf(t, "demo")
	h := startDaemon(t, r.dir, r.config(false))
	h.applied("dev", r.appHead, daemon.StateSynced)
	if code, body := h.post(apiPath("dev", "suspend"), testToken, nil); code != http.StatusOK {
		t.Fatalf("suspend dev: %d %s", code, body)
	}
	h.stop()

	h = startDaemon(t, r.dir, r.config(true))
	stalled := h.waitFor("infra/dev", 30*time.Second, "infra/dev stalled", func(s daemon.Status) bool {
		return s.State == daemon.StateFailed
	})
	if !strings.Contains(stalled.Message, "repositories app and infra both deploy project demo as environment dev") ||
		stalled.Applied != "" || stalled.Managed != 0 {
		t.Errorf("infra/dev: %+v; want it stalled naming both repositories, nothing applied", stalled)
	}
	if app := h.status("app/dev"); app.Applied != r.appHead || !app.Suspended {
		t.Errorf("app/dev: applied %q, suspended %v; want %s, still suspended", app.Applied, app.Suspended, r.appHead)
	}
	h.stop()
	checkState(t, r.dir, map[string]held{"app/dev": {"demo-dev-", "app"}}, "dev")
}
