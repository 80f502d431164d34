package local

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// The S3 resources the local backend reads.
const (
	// ResourceGetObject is the ItemReader resource ReadItems reads.
	ResourceGetObject = "arn:aws:states:::s3:getObject"
	// ResourceSDKGetObject is the Task resource RunTask answers with an
	// object's body.
	ResourceSDKGetObject = "arn:aws:states:::aws-sdk:s3:getObject"
)

// object is the Bucket and Key an ItemReader or ResultWriter names.
type object struct {
	Bucket string `json:"Bucket"`
	Key    string `json:"Key"`
	Prefix string `json:"Prefix"`
}

// path returns the local file of bucket and key (or prefix), failing on
// a bucket or key that would reach outside the bucket's directory.
func (w *World) path(bucket, key string) (string, error) {
	if bucket == "" || strings.ContainsAny(bucket, `/\`) || bucket == "." || bucket == ".." {
		return "", fmt.Errorf("bucket %q is not a bucket name", bucket)
	}
	key = strings.TrimPrefix(key, "/")
	if key != "" && !filepath.IsLocal(key) {
		return "", fmt.Errorf("key %q reaches outside its bucket", key)
	}
	return filepath.Join(w.BucketDir(bucket), filepath.FromSlash(key)), nil
}

// ReadItems reads a Distributed Map's items from the local object
// Bucket/Key: a JSON array (format JSON or empty), or a CSV file whose
// first row names the fields of each item (format CSV). It fails with an
// *asl.Failure named States.ItemReaderFailed when the object is missing
// or not of the format.
func (w *World) ReadItems(_ context.Context, resource string, params json.RawMessage, format string) ([]json.RawMessage, error) {
	if resource != ResourceGetObject {
		return nil, readerFailed("the local backend reads items with %s only, not %s", ResourceGetObject, resource)
	}
	var o object
	if err := json.Unmarshal(params, &o); err != nil {
		return nil, readerFailed("ItemReader parameters: %v", err)
	}
	path, err := w.path(o.Bucket, o.Key)
	if err != nil {
		return nil, readerFailed("%v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, readerFailed("s3://%s/%s: %v", o.Bucket, o.Key, err)
	}
	switch strings.ToUpper(format) {
	case "", "JSON":
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return nil, readerFailed("s3://%s/%s is not a JSON array: %v", o.Bucket, o.Key, err)
		}
		return items, nil
	case "CSV":
		return csvItems(data, o)
	}
	return nil, readerFailed("input type %q is not supported locally (JSON, CSV)", format)
}

// getObject answers an aws-sdk:s3:getObject task as the SDK integration
// does: {"Body": the object's text, "ContentLength": its size}. A
// missing bucket or key is an S3.NoSuchBucketException or
// S3.NoSuchKeyException failure.
func (w *World) getObject(params json.RawMessage) (json.RawMessage, error) {
	var o object
	if err := json.Unmarshal(params, &o); err != nil {
		return nil, &asl.Failure{Name: "States.Runtime", Cause: fmt.Sprintf("getObject parameters: %v", err)}
	}
	path, err := w.path(o.Bucket, o.Key)
	if err != nil {
		return nil, &asl.Failure{Name: "S3.NoSuchKeyException", Cause: err.Error()}
	}
	if fi, err := os.Stat(w.BucketDir(o.Bucket)); err != nil || !fi.IsDir() {
		return nil, &asl.Failure{Name: "S3.NoSuchBucketException", Cause: fmt.Sprintf("bucket %s does not exist", o.Bucket)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &asl.Failure{Name: "S3.NoSuchKeyException", Cause: fmt.Sprintf("s3://%s/%s: %v", o.Bucket, o.Key, err)}
	}
	return json.Marshal(map[string]any{"Body": string(data), "ContentLength": len(data)})
}

func readerFailed(format string, args ...any) error {
	return &asl.Failure{Name: "States.ItemReaderFailed", Cause: fmt.Sprintf(format, args...)}
}

// csvItems turns CSV rows into objects keyed by the header row's names,
// every value a string, as Step Functions reads CSV.
func csvItems(data []byte, o object) ([]json.RawMessage, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, readerFailed("s3://%s/%s is not CSV with a header row: %v", o.Bucket, o.Key, err)
	}
	items := make([]json.RawMessage, 0, len(rows)-1)
	for _, row := range rows[1:] {
		item := make(map[string]string, len(row))
		for i, name := range rows[0] {
			if i < len(row) {
				item[name] = row[i]
			}
		}
		b, err := json.Marshal(item)
		if err != nil {
			return nil, err
		}
		items = append(items, b)
	}
	return items, nil
}

// WriteResults writes a Distributed Map's results as Step Functions
// does, under the ResultWriter's Bucket and Prefix: PREFIX/RUN/
// SUCCEEDED_0.json (each result's Status and Output) and
// PREFIX/RUN/manifest.json, RUN a new ID. It returns the Map state's
// result, {"ResultWriterDetails": {"Bucket": ..., "Key": manifest}}, and
// fails when the parameters name no bucket or a file cannot be written.
func (w *World) WriteResults(_ context.Context, params json.RawMessage, results []json.RawMessage) (json.RawMessage, error) {
	var o object
	if err := json.Unmarshal(params, &o); err != nil {
		return nil, &asl.Failure{Name: "States.ResultWriterFailed", Cause: fmt.Sprintf("ResultWriter parameters: %v", err)}
	}
	prefix := strings.Trim(o.Prefix, "/")
	run := newJobID()
	base := strings.TrimPrefix(prefix+"/"+run, "/")
	type entry struct {
		Status string `json:"Status"`
		Output string `json:"Output"`
	}
	entries := make([]entry, len(results))
	for i, r := range results {
		entries[i] = entry{Status: "SUCCEEDED", Output: string(r)}
	}
	resultsKey, manifestKey := base+"/SUCCEEDED_0.json", base+"/manifest.json"
	size, err := w.putJSON(o.Bucket, resultsKey, entries)
	if err != nil {
		return nil, err
	}
	manifest := map[string]any{
		"DestinationBucket": o.Bucket, "MapRunArn": arn("states", "mapRun:"+run),
		"ResultFiles": map[string]any{"SUCCEEDED": []any{map[string]any{"Key": resultsKey, "Size": size}}, "FAILED": []any{}, "PENDING": []any{}},
	}
	if _, err := w.putJSON(o.Bucket, manifestKey, manifest); err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"ResultWriterDetails": map[string]string{"Bucket": o.Bucket, "Key": manifestKey}})
}

// putJSON writes v as the object bucket/key and returns its size.
func (w *World) putJSON(bucket, key string, v any) (int, error) {
	path, err := w.path(bucket, key)
	if err != nil {
		return 0, &asl.Failure{Name: "States.ResultWriterFailed", Cause: err.Error()}
	}
	if fi, err := os.Stat(w.BucketDir(bucket)); err != nil || !fi.IsDir() {
		return 0, &asl.Failure{Name: "States.ResultWriterFailed", Cause: fmt.Sprintf("bucket %s does not exist", bucket)}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	if err := writeAtomic(path, b, false); err != nil {
		return 0, &asl.Failure{Name: "States.ResultWriterFailed", Cause: err.Error()}
	}
	return len(b), nil
}
