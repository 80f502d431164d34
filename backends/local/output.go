package local

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// outputVar is the environment variable through which a compiled step
// learns where to write its outputs (s3://BUCKET/RUN/STEP).
const outputVar = "SLUICE_OUTPUT"

// makeOutputDir creates the folder the job's $SLUICE_OUTPUT names inside
// its bucket's directory, as writing to an S3 prefix needs none: a step
// that writes "$SLUICE_OUTPUT/outputs.json" works here as it does on
// AWS. A value outside the buckets is left alone.
func (w *World) makeOutputDir(j *job) error {
	for _, kv := range j.Env {
		k, v, _ := strings.Cut(kv, "=")
		if k != outputVar {
			continue
		}
		dir := filepath.Clean(w.rewrite(v))
		buckets := filepath.Join(w.dir, bucketsDir) + string(filepath.Separator)
		if !strings.HasPrefix(dir, buckets) {
			return nil
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("job %s: output folder: %w", j.Name, err)
		}
	}
	return nil
}
