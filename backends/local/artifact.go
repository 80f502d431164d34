package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/sluice-dev/sluice"
)

// OpenArtifact opens the object uri (s3://BUCKET/KEY) of a bucket of
// environment env, for reading: the file under the bucket's directory.
// Local buckets keep no versions: version is ignored.
// It fails with KindInvalid for an address that is not s3://BUCKET/KEY
// or reaches outside its bucket, KindNotFound when the bucket is not one
// of env's or the object does not exist.
func (w *World) OpenArtifact(ctx context.Context, env, uri, _ string) (io.ReadCloser, error) {
	const op = "local.OpenArtifact"
	if err := ctx.Err(); err != nil {
		return nil, sluice.E(op, sluice.KindTransient, err)
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	if !strings.HasPrefix(uri, "s3://") || !ok || key == "" {
		return nil, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%s is not an s3://BUCKET/KEY address", uri))
	}
	w.mu.Lock()
	rec, err := w.read(sluice.TypeBucket, bucket)
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if rec == nil || rec.Tags[sluice.TagEnvironment] != env {
		return nil, sluice.E(op, sluice.KindNotFound, fmt.Errorf("%s: bucket %s is not a bucket of environment %s", uri, bucket, env))
	}
	path, err := w.path(bucket, key)
	if err != nil {
		return nil, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%s: %w", uri, err))
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, sluice.E(op, sluice.KindNotFound, fmt.Errorf("%s does not exist", uri))
	case err != nil:
		return nil, sluice.E(op, sluice.KindInternal, fmt.Errorf("%s: %w", uri, err))
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, sluice.E(op, sluice.KindNotFound, fmt.Errorf("%s is not an object (a prefix?)", uri))
	}
	return f, nil
}

// ObjectFile is the file that holds the object uri (s3://BUCKET/KEY) in
// the local backend whose data directory is dir, without opening a
// World. It fails for an address that is not s3://BUCKET/KEY or reaches
// outside its bucket.
func ObjectFile(dir, uri string) (string, error) {
	w := &World{dir: dir}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	if !strings.HasPrefix(uri, "s3://") || !ok || key == "" {
		return "", fmt.Errorf("%s is not an s3://BUCKET/KEY address", uri)
	}
	p, err := w.path(bucket, key)
	if err != nil {
		return "", fmt.Errorf("%s: %w", uri, err)
	}
	return p, nil
}
