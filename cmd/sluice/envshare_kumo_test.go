package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// TestDaemonKumoSharedEnvironmentName runs two repositories that both
// deploy dev to one AWS account (kumo and the fakes), with different
// projects and prune on: each applies its own resources under its
// qualified name, and a pipeline deleted from one is deleted from AWS
// while every resource of the other stays, owned and recorded.
func TestDaemonKumoSharedEnvironmentName(t *testing.T) {
	w := startAWS(t)
	w.sfn.DeletingPolls = 0
	settleEvery(t, w, 300*time.Millisecond)
	t.Setenv("SLUICE_TEST_API_TOKEN", "token")
	const pipelines, steps = 3, 2
	appFiles := crashFiles(pipelines, steps)
	otherFiles := crashFiles(pipelines, steps)
	otherFiles["sluice.yaml"] = strings.Replace(crashProject, "name: crash", "name: other", 1)
	app, other := gitserver.NewRepo(t, appFiles, "dev"), gitserver.NewRepo(t, otherFiles, "dev")
	state := filepath.Join(t.TempDir(), "state.db")
	config := filepath.Join(t.TempDir(), "daemon.yaml")
	text := fmt.Sprintf("listen: 127.0.0.1:0\nstateFile: %s\napiToken: {env: SLUICE_TEST_API_TOKEN}\nrepositories:\n"+
		"  - name: app\n    url: %s\n    pollInterval: 5s\n%s  - name: infra\n    url: %s\n    pollInterval: 5s\n%s",
		state, gitserver.FileURL(app), awsDevEnvironments, gitserver.FileURL(other), awsDevEnvironments)
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, server := startDaemonProcess(t, config)
	waitSyncedAs(t, server, "app/dev", gitserver.Head(t, app, "dev"), 3*time.Minute)
	waitSyncedAs(t, server, "infra/dev", gitserver.Head(t, other, "dev"), 3*time.Minute)

	want := 3 + runEventsResources + pipelines*(1+steps)
	second := gitserver.Commit(t, app, "dev", map[string]string{crashPipelinePath(0): gitserver.Delete}, "drop p000")
	waitSyncedAs(t, server, "app/dev", second, time.Minute)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	checkState(t, state)
	if n := w.checkInventoryAt(t, state, "app/dev", "crash", "dev"); n != want-(1+steps) {
		t.Errorf("app/dev: %d resources carry its tags, want %d", n, want-(1+steps))
	}
	if n := w.checkInventoryAt(t, state, "infra/dev", "other", "dev"); n != want {
		t.Errorf("infra/dev: %d resources carry its tags after app/dev deleted a pipeline, want all %d", n, want)
	}
}

// waitSyncedAs polls `sluice status --env name` until the environment
// has applied revision.
func waitSyncedAs(t *testing.T, server, name, revision string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		code, out, errOut := runCLI(t, "status", "--server", server, "--env", name, "--format", "json")
		var list []daemon.Status
		if code == exitOK && json.Unmarshal([]byte(out), &list) == nil && len(list) == 1 &&
			list[0].Applied == revision && list[0].State == daemon.StateSynced {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not apply %.12s within %s: %s %s", name, revision, limit, out, errOut)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
