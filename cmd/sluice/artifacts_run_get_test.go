package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
)

// TestArtifactsOfARunNamedGet: "get" is the subcommand that fetches one
// artifact, so the artifacts of a run named get are listed with "--"
// before the name; "artifacts get" without a URI says so.
func TestArtifactsOfARunNamedGet(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(sluice.RunDetail{Artifacts: []sluice.ArtifactRecord{
			{URI: "s3://b/p/get/train/model.json", Path: "train", Attempt: 1, Size: 12, Checksum: "sha256:ab"}}})
	}))
	defer srv.Close()
	t.Setenv("SLUICE_TOKEN", "t")
	for _, args := range [][]string{
		{"artifacts", "--server", srv.URL, "--env", "dev", "--", "get"},
		{"artifacts", "--server", srv.URL, "--env", "dev", "--", "get", "train"},
	} {
		code, out, stderr := runCLI(t, args...)
		if code != exitOK || !strings.Contains(out, "s3://b/p/get/train/model.json") {
			t.Errorf("sluice %s: exit %d, want the run's artifacts:\n%s%s", strings.Join(args, " "), code, out, stderr)
		}
	}
	mu.Lock()
	if strings.Join(paths, " ") != "/api/v1/environments/dev/runs/get /api/v1/environments/dev/runs/get" {
		t.Errorf("requests %v, want the run get twice", paths)
	}
	mu.Unlock()
	code, _, stderr := runCLI(t, "artifacts", "get", "--server", srv.URL, "--env", "dev")
	if code != exitUsage || !strings.Contains(stderr, "sluice artifacts -- get") {
		t.Errorf("artifacts get without a URI: exit %d, want 2 saying how to list a run named get:\n%s", code, stderr)
	}
}
