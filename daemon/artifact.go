package daemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/rollout"
)

// ChecksumHeader carries the checksum the run store recorded for an
// artifact the API serves ("sha256:HEX"), absent when it recorded none:
// the client verifies what it received against it.
const ChecksumHeader = "X-Sluice-Checksum"

// Artifact opens the artifact uri of env and returns the checksum the
// run store recorded for it ("" when none): "sha256:HEX" (local
// backend), or "version:ID" on S3, in which case that version is the one
// read. It fails with a bad request for an address that is not
// s3://BUCKET/KEY, ErrNotFound when env has no such object, and
// ErrConflict when env's backend cannot read its buckets.
func (d *Daemon) Artifact(ctx context.Context, env, uri string) (io.ReadCloser, string, error) {
	w, err := d.env(env)
	if err != nil {
		return nil, "", err
	}
	t, err := w.roll.Target(ctx)
	if err != nil {
		return nil, "", err
	}
	reader := t.Artifacts
	if reader == nil {
		// A target made without a reader whose runner reads its
		// buckets itself (the local backend's World).
		reader, _ = t.Runner.(rollout.ArtifactReader)
	}
	if reader == nil {
		return nil, "", fmt.Errorf("%w: environment %s's backend cannot read its buckets", ErrConflict, env)
	}
	checksum := ""
	if d.opts.Runs != nil {
		if l, err := d.opts.Runs.Lineage(ctx, uri); err == nil {
			checksum = l.Artifact.Checksum
			if len(l.Copies) > 0 {
				checksum = l.Copies[0].Checksum
			}
		}
	}
	version, _ := strings.CutPrefix(checksum, "version:")
	if version == checksum {
		version = ""
	}
	rc, err := reader.OpenArtifact(ctx, env, uri, version)
	if sluice.KindOf(err) == sluice.KindInvalid {
		return nil, "", errBadRequest(err.Error())
	}
	if err != nil {
		return nil, "", runError(err)
	}
	return rc, checksum, nil
}

// getArtifact serves the bytes of the artifact ?uri= as written, with
// the checksum recorded in ChecksumHeader. It needs the admin token:
// artifacts are served unmasked (masking would change them), and a
// holder of the admin token can already start a run whose step reads
// them.
func (d *Daemon) getArtifact(w http.ResponseWriter, r *http.Request) {
	uri := r.URL.Query().Get("uri")
	if uri == "" {
		d.writeError(w, errBadRequest("an artifact is fetched by ?uri=s3://BUCKET/KEY"))
		return
	}
	rc, checksum, err := d.Artifact(r.Context(), r.PathValue("env"), uri)
	if err != nil {
		d.writeError(w, err)
		return
	}
	defer func() { _ = rc.Close() }()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if checksum != "" {
		w.Header().Set(ChecksumHeader, checksum)
	}
	_, _ = io.Copy(w, rc)
}
