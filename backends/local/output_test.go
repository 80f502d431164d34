package local_test

import (
	"path/filepath"
	"testing"
)

// TestOutputFolderMadeForTheStep runs a step that writes to
// $SLUICE_OUTPUT without creating it, as it may on AWS, where an S3
// prefix needs no folder: the local backend has made the folder.
func TestOutputFolderMadeForTheStep(t *testing.T) {
	needSandbox(t)
	cmd := []string{"sh", "-c", `echo '{"ok": true}' > "$SLUICE_OUTPUT/outputs.json"`}
	w := jobWorld(t, cmd, nil)
	env := map[string]string{"SLUICE_OUTPUT": "s3://churn-dev-artifacts/run-1/step"}
	if _, err := w.RunTask(t.Context(), submit("churn-dev-step", cmd, env)); err != nil {
		t.Fatalf("the step failed: %v", err)
	}
	if !fileExists(filepath.Join(w.BucketDir("churn-dev-artifacts"), "run-1", "step", "outputs.json")) {
		t.Errorf("no outputs.json in the step's output folder")
	}
}
