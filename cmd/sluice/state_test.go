package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

// stateFile makes a state file with dev (two resources, history, meta)
// and prod (one resource: a second one is deleted again, so the file
// has a free list).
func stateFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := statestore.Open(path, statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, fn := range []func(tx *statestore.Tx) error{
		func(tx *statestore.Tx) error {
			for _, env := range []string{"dev", "prod"} {
				for _, id := range []string{"Bucket/a", "Bucket/b"} {
					if err := tx.PutResource(env, statestore.Record{ID: sluice.ResourceID(id), Name: env + "-" + id[7:], CreatedAt: at}); err != nil {
						return err
					}
				}
			}
			if err := tx.AppendHistory("dev", statestore.Entry{Revision: "abc", Time: at, Result: "applied"}); err != nil {
				return err
			}
			return tx.PutMeta("dev", statestore.Meta{LastAppliedRevision: "abc"})
		},
		func(tx *statestore.Tx) error { return tx.DeleteResource("prod", "Bucket/b") },
	} {
		if err := s.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestStateCheck runs `sluice state check` on a sound file (exit 0, the
// counts), a file with a garbage free list page (exit 1, what to do, no
// panic), an empty file (exit 1, left as it is) and a missing one (exit
// 2).
func TestStateCheck(t *testing.T) {
	sound := stateFile(t)
	code, out, errOut := runCLI(t, "state", "check", "--state", sound)
	if code != exitOK || !strings.Contains(out, "ok: no problems found") ||
		!regexp.MustCompile(`dev\s+2\s+0\s+1\s+true`).MatchString(out) || !regexp.MustCompile(`prod\s+1\s+0\s+0\s+false`).MatchString(out) {
		t.Errorf("state check of a sound file: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "state", "check", "--state", sound, "--format", "json"); code != exitOK || !strings.Contains(out, `"Resources": 2`) {
		t.Errorf("state check --format json: exit %d\n%s", code, out)
	}

	corrupt := stateFile(t)
	statestoretest.Garble(t, corrupt, statestoretest.FreelistPage)
	code, out, errOut = runCLI(t, "state", "check", "--state", corrupt)
	if code != exitInvalid || !strings.Contains(out, corrupt) || !strings.Contains(out, "restore the file from a backup") || strings.Contains(out+errOut, "goroutine") {
		t.Errorf("state check of a garbled file: exit %d, want 1 with what to do\n%s\n%s", code, out, errOut)
	}

	empty := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "state", "check", "--state", empty); code != exitInvalid || !strings.Contains(out, "state file is empty") {
		t.Errorf("state check of an empty file: exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file was changed: %v", err)
	}

	if code, _, errOut := runCLI(t, "state", "check", "--state", filepath.Join(t.TempDir(), "absent.db")); code != exitUsage || !strings.Contains(errOut, "absent.db") {
		t.Errorf("state check of a missing file: exit %d, want 2\n%s", code, errOut)
	}
}

// TestDaemonRefusesBrokenStateFile starts the daemon on a garbled and on
// an empty state file: it exits 2 naming the file and what to do, with
// no panic, and leaves the file as it was.
func TestDaemonRefusesBrokenStateFile(t *testing.T) {
	garbled := stateFile(t)
	statestoretest.Garble(t, garbled, statestoretest.FreelistPage)
	empty := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, path, want string }{
		{"garbled", garbled, "move it away"},
		{"empty", empty, "history would be lost"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			dir := t.TempDir()
			config := filepath.Join(dir, "daemon.yaml")
			text := "listen: 127.0.0.1:0\nstateFile: " + tt.path + "\nrepositories:\n  - name: r\n    url: file:///nonexistent\n" +
				"    environments:\n      - {name: dev, branch: dev, backend: local, local: {dir: " + filepath.Join(dir, "world") + "}}\n"
			if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runCLI(t, "daemon", "--config", config)
			if code != exitUsage || !strings.Contains(errOut, tt.path) || !strings.Contains(errOut, tt.want) || strings.Contains(errOut, "goroutine") {
				t.Errorf("daemon on a %s state file: exit %d, want 2 naming the file and %q\n%s\n%s", tt.name, code, tt.want, out, errOut)
			}
			if after, _ := os.ReadFile(tt.path); string(after) != string(before) {
				t.Errorf("the daemon changed the %s state file", tt.name)
			}
		})
	}
}
