package local_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
)

// TestOpenArtifact reads an object of the environment's bucket and
// refuses what is not one: another environment's bucket, a key that
// leaves the bucket, a prefix, an address that is not s3://.
func TestOpenArtifact(t *testing.T) {
	dir := t.TempDir()
	desired := compileFiles(t, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": runDocuments}, env)
	w := mustWorld(t, local.Options{Workdir: dir, Sandbox: local.Sandbox{Off: true}})
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, desired)
	file := filepath.Join(w.BucketDir("churn-dev-artifacts"), "p", "r1", "s", "model.pkl")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("model"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rc, err := w.OpenArtifact(ctx, env, "s3://churn-dev-artifacts/p/r1/s/model.pkl", "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	_ = rc.Close()
	if string(b) != "model" {
		t.Fatalf("read %q, want model", b)
	}
	if p, err := local.ObjectFile(w.Dir(), "s3://churn-dev-artifacts/p/r1/s/model.pkl"); err != nil || p != file {
		t.Errorf("ObjectFile: %s, %v; want %s", p, err, file)
	}
	for uri, kind := range map[string]sluice.Kind{
		"s3://churn-dev-artifacts/p/r1/s/model.pkl": sluice.KindNotFound, // asked in another environment below
		"s3://churn-dev-artifacts/../../etc/passwd": sluice.KindInvalid,
		"s3://churn-dev-artifacts/p/r1":             sluice.KindNotFound,
		"s3://churn-dev-artifacts/p/r1/s/nothing":   sluice.KindNotFound,
		"/etc/passwd": sluice.KindInvalid,
	} {
		e := env
		if uri == "s3://churn-dev-artifacts/p/r1/s/model.pkl" {
			e = "prod"
		}
		if _, err := w.OpenArtifact(ctx, e, uri, ""); sluice.KindOf(err) != kind {
			t.Errorf("%s in %s: %v, want %s", uri, e, err, kind)
		}
	}
}
