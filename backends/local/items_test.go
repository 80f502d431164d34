package local_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

func TestReadItems(t *testing.T) {
	w := jobWorld(t, []string{"true"}, nil)
	dir := filepath.Join(w.BucketDir("churn-dev-artifacts"), "predict", "run-1", "shard")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"shards.json": `[{"part":0},{"part":1},"two"]`, "rows.csv": "id,name\n1,a\n2,b\n", "bad.json": `{"not":"a list"}`}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		key, format string
		want        []string
		failure     string
	}{
		{"predict/run-1/shard/shards.json", "", []string{`{"part":0}`, `{"part":1}`, `"two"`}, ""},
		{"predict/run-1/shard/shards.json", "JSON", []string{`{"part":0}`, `{"part":1}`, `"two"`}, ""},
		{"predict/run-1/shard/rows.csv", "CSV", []string{`{"id":"1","name":"a"}`, `{"id":"2","name":"b"}`}, ""},
		{"predict/run-1/shard/bad.json", "JSON", nil, "States.ItemReaderFailed"},
		{"predict/run-1/shard/missing.json", "JSON", nil, "States.ItemReaderFailed"},
		{"../../records/x.json", "JSON", nil, "States.ItemReaderFailed"},
	}
	for _, tt := range tests {
		t.Run(tt.key+" "+tt.format, func(t *testing.T) {
			params, _ := json.Marshal(map[string]string{"Bucket": "churn-dev-artifacts", "Key": tt.key})
			items, err := w.ReadItems(t.Context(), local.ResourceGetObject, params, tt.format)
			if tt.failure != "" {
				var f *asl.Failure
				if !errors.As(err, &f) || f.Name != tt.failure {
					t.Fatalf("error %v, want a %s failure", err, tt.failure)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != len(tt.want) {
				t.Fatalf("got %d items, want %d", len(items), len(tt.want))
			}
			for i := range items {
				if string(items[i]) != tt.want[i] {
					t.Errorf("item %d = %s, want %s", i, items[i], tt.want[i])
				}
			}
		})
	}
}

func TestWriteResults(t *testing.T) {
	w := jobWorld(t, []string{"true"}, nil)
	params := json.RawMessage(`{"Bucket":"churn-dev-artifacts","Prefix":"predict/map-results/shard"}`)
	out, err := w.WriteResults(t.Context(), params, []json.RawMessage{json.RawMessage(`{"a":1}`), json.RawMessage(`2`)})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ResultWriterDetails struct{ Bucket, Key string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.ResultWriterDetails.Bucket != "churn-dev-artifacts" || filepath.Base(got.ResultWriterDetails.Key) != "manifest.json" {
		t.Fatalf("result %s, want the manifest's bucket and key", out)
	}
	var manifest struct {
		ResultFiles struct{ SUCCEEDED []struct{ Key string } }
	}
	readJSON(t, filepath.Join(w.BucketDir("churn-dev-artifacts"), got.ResultWriterDetails.Key), &manifest)
	if len(manifest.ResultFiles.SUCCEEDED) != 1 {
		t.Fatalf("manifest lists %d result files, want 1", len(manifest.ResultFiles.SUCCEEDED))
	}
	var results []struct{ Status, Output string }
	readJSON(t, filepath.Join(w.BucketDir("churn-dev-artifacts"), manifest.ResultFiles.SUCCEEDED[0].Key), &results)
	if len(results) != 2 || results[0].Output != `{"a":1}` || results[1].Output != "2" || results[0].Status != "SUCCEEDED" {
		t.Errorf("results %+v, want both outputs in order", results)
	}
	_, err = w.WriteResults(t.Context(), json.RawMessage(`{"Bucket":"no-such-bucket","Prefix":"x"}`), nil)
	var f *asl.Failure
	if !errors.As(err, &f) {
		t.Errorf("writing to a missing bucket: %v, want a failure", err)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestGetObjectTask checks the aws-sdk:s3:getObject task with which
// compiled pipelines read a step's outputs.
func TestGetObjectTask(t *testing.T) {
	w := jobWorld(t, []string{"true"}, nil)
	if err := os.WriteFile(filepath.Join(w.BucketDir("churn-dev-artifacts"), "outputs.json"), []byte(`{"quality":"pass"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	task := func(key string) asl.Task {
		return asl.Task{Resource: local.ResourceSDKGetObject, Parameters: json.RawMessage(`{"Bucket":"churn-dev-artifacts","Key":"` + key + `"}`)}
	}
	out, err := w.RunTask(t.Context(), task("outputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Body string }
	if err := json.Unmarshal(out, &got); err != nil || got.Body != `{"quality":"pass"}` {
		t.Errorf("result %s (%v), want the object's text as Body", out, err)
	}
	_, err = w.RunTask(t.Context(), task("missing.json"))
	var f *asl.Failure
	if !errors.As(err, &f) || f.Name != "S3.NoSuchKeyException" {
		t.Errorf("missing key: %v, want S3.NoSuchKeyException", err)
	}
}
