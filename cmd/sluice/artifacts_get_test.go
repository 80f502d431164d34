package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArtifactsGetWithoutDaemon reads artifacts from a local backend's
// data directory and from paths, and refuses what it cannot fetch with
// an error naming the address. (Through the daemon, with its checksum:
// TestModelRunsEndToEnd.)
func TestArtifactsGetWithoutDaemon(t *testing.T) {
	dir := t.TempDir()
	obj := filepath.Join(dir, "buckets", "demo-dev-artifacts", "training", "r1", "model.json")
	if err := os.MkdirAll(filepath.Dir(obj), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, []byte(`{"w": [1]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "copy.json")
	for _, c := range []struct {
		args       []string
		code       int
		want, file string
	}{
		{[]string{"s3://demo-dev-artifacts/training/r1/model.json", "--local-dir", dir}, 0, `{"w": [1]}`, ""},
		{[]string{"file://" + obj, "-o", out}, 0, "", out},
		{[]string{obj, "-o", "-"}, 0, `{"w": [1]}`, ""},
		{[]string{"s3://demo-dev-artifacts/training/r1/model.json"}, exitUsage, "s3://demo-dev-artifacts/training/r1/model.json: an s3:// artifact is fetched through the daemon: give --env", ""},
		{[]string{"s3://demo-dev-artifacts/../x", "--local-dir", dir}, exitUsage, "reaches outside its bucket", ""},
		{[]string{"s3://demo-dev-artifacts/training/r2/model.json", "--local-dir", dir}, exitUsage, "s3://demo-dev-artifacts/training/r2/model.json: open", ""},
		{[]string{"https://example.com/m"}, exitUsage, "https://example.com/m: not an artifact address", ""},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"artifacts", "get"}, c.args...)...)
		got := stdout
		if c.code != 0 {
			got = stderr
		}
		if code != c.code || !strings.Contains(got, c.want) {
			t.Errorf("artifacts get %v: exit %d, want %d and %q in\n%s%s", c.args, code, c.code, c.want, stdout, stderr)
		}
		if c.file != "" {
			if b, err := os.ReadFile(c.file); err != nil || string(b) != `{"w": [1]}` {
				t.Errorf("artifacts get %v wrote %q, %v", c.args, b, err)
			}
		}
	}
}
