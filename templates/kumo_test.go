package templates_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// startKumo starts the kumo AWS emulator on a free local port for the
// test and returns the environment that points AWS clients at it. It
// skips the test when kumo is not installed, unless SLUICE_REQUIRE_KUMO=1.
func startKumo(tb testing.TB) []string {
	tb.Helper()
	bin, err := exec.LookPath("kumo")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		bin = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "kumo")
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("SLUICE_REQUIRE_KUMO") == "1" {
			tb.Fatalf("kumo is not installed (make tools) and SLUICE_REQUIRE_KUMO=1")
		}
		tb.Skip("kumo is not installed: make tools")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	_ = l.Close()
	cmd := exec.Command(bin, "--host", "127.0.0.1", "--port", port)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("kumo did not answer on %s", addr)
		}
	}
	return []string{"AWS_ENDPOINT_URL=http://" + addr, "AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1"}
}

// TestStepProgramsOnKumoS3 runs a template with its artifacts in S3, as on
// AWS, against the kumo emulator: the steps' boto3 path, foreach items read
// from an outputs.json in S3, and artifacts found across the run's prefix.
func TestStepProgramsOnKumoS3(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python processes and an AWS emulator; skipped in -short mode")
	}
	r := newRunner(t, "batch-prediction", map[string]any{"rows": 500, "shardSize": 200})
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 is not installed for python3: the steps need it for S3")
	}
	r.env = startKumo(t)
	r.artifacts = "s3://sluice-runs/batch-prediction/run-1"
	mk := exec.Command("python3", "-c", `import boto3; boto3.client("s3").create_bucket(Bucket="sluice-runs")`)
	mk.Env = append([]string{"PATH=" + os.Getenv("PATH")}, r.env...)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("create bucket: %v: %s", err, out)
	}
	if err := r.run(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"load-model", "shard", "predict", "predict", "predict", "merge"}; !reflect.DeepEqual(r.ran, want) {
		t.Errorf("steps ran %v, want %v", r.ran, want)
	}
	summary := r.readJSON("merge/summary.json")
	if fmt.Sprint(summary["rows"], summary["shards"]) != "500 3" {
		t.Errorf("merge summary %v, want 500 rows from 3 shards", summary)
	}
}
