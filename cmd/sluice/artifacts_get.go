package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/daemon"
)

// artifactsGetOptions are the options of "sluice artifacts get".
type artifactsGetOptions struct {
	clientOptions
	out      string
	localDir string
}

func newArtifactsGetCmd(g *globalOptions) *cobra.Command {
	o := &artifactsGetOptions{}
	cmd := &cobra.Command{
		Use:   "get URI [-o FILE] --env ENV",
		Short: "Fetch one artifact, checked against the checksum the run store recorded",
		Long: `Get writes the artifact URI to FILE (-o), or to standard output without -o or
with "-o -". An s3://BUCKET/KEY address is fetched through the daemon (the API
token: artifacts are served as written, unmasked), which reads it from one of
the environment's buckets (the local backend's folders, or S3 with the
environment's credentials) and sends the checksum its run store recorded: a
SHA-256, which what arrives is checked against before anything is written (a
mismatch is an error), or on S3 the version id, which is the version read.
With --local-dir, an s3:// address is read from that local backend's data
directory without a daemon; a file:// URI or a path is read as it is. Those
have no run store to check against.`,
		Example: `  sluice artifacts get s3://demo-dev-artifacts/training/r1/register/model/model.json --env dev -o model.json
  sluice artifacts get s3://demo-dev-artifacts/training/r1/register/model-package.json --env dev | jq .`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("artifacts get takes one URI, not %d arguments; to list the artifacts of a run named get: sluice artifacts -- get", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			err := o.get(cmd.Context(), g, args[0])
			if err != nil && !strings.HasPrefix(err.Error(), args[0]) {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return err
		},
	}
	server := os.Getenv("SLUICE_SERVER")
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	cmd.Flags().StringVar(&o.server, "server", server, "`URL` of the daemon's API (SLUICE_SERVER)")
	cmd.Flags().StringVar(&o.tokenFile, "token-file", os.Getenv("SLUICE_TOKEN_FILE"), "`FILE` holding the API token (SLUICE_TOKEN_FILE; SLUICE_TOKEN works too)")
	cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV` (for s3:// addresses fetched through the daemon)")
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "`FILE` to write the artifact to (default, or -: standard output); --out, not --output, which names a format everywhere else")
	cmd.Flags().StringVar(&o.localDir, "local-dir", "", "read s3:// addresses from the local backend's data `DIR` instead of through the daemon")
	return cmd
}

// get fetches uri and writes it where -o says.
func (o *artifactsGetOptions) get(ctx context.Context, g *globalOptions, uri string) error {
	var (
		body     io.ReadCloser
		checksum string
		err      error
	)
	switch {
	case strings.HasPrefix(uri, "s3://") && o.localDir != "":
		body, err = openFile(local.ObjectFile(o.localDir, uri))
	case strings.HasPrefix(uri, "s3://"):
		body, checksum, err = o.fetch(ctx, uri)
	case strings.Contains(uri, "://") && !strings.HasPrefix(uri, "file://"):
		return errors.New("not an artifact address: give s3://BUCKET/KEY, file://PATH or a path")
	default:
		path := strings.TrimPrefix(uri, "file://")
		body, err = openFile(path, nil)
	}
	if err != nil {
		return err
	}
	defer func() { _ = body.Close() }()
	return o.write(g, body, checksum)
}

// openFile opens path, unless err (from finding it) is set.
func openFile(path string, err error) (io.ReadCloser, error) {
	if err != nil {
		return nil, err
	}
	return os.Open(path)
}

// fetch asks the daemon for uri; it returns the body and the checksum
// the run store recorded.
func (o *artifactsGetOptions) fetch(ctx context.Context, uri string) (io.ReadCloser, string, error) {
	if o.env == "" {
		return nil, "", errors.New("an s3:// artifact is fetched through the daemon: give --env ENV (or --local-dir DIR for a local backend's data)")
	}
	path := o.envPath("artifact") + "?uri=" + url.QueryEscape(uri)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(o.server, "/")+path, nil)
	if err != nil {
		return nil, "", err
	}
	token, err := o.token()
	if err != nil {
		return nil, "", errors.New("the daemon serves artifacts with its API token only: --token-file FILE or SLUICE_TOKEN")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("reach the daemon at %s: %w", o.server, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var e struct{ Error string }
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return nil, "", &apiError{status: resp.Status, msg: e.Error}
		}
		return nil, "", &apiError{status: resp.Status, msg: strings.TrimSpace(string(b))}
	}
	return resp.Body, resp.Header.Get(daemon.ChecksumHeader), nil
}

// write copies body to -o's file or standard output. With a checksum, it
// first lands in a temporary file beside the destination (or in the
// temporary directory for standard output) and is checked: nothing is
// written where asked when it does not match.
func (o *artifactsGetOptions) write(g *globalOptions, body io.Reader, checksum string) error {
	toStdout := o.out == "" || o.out == "-"
	dir := os.TempDir()
	if !toStdout {
		dir = filepath.Dir(o.out)
	}
	tmp, err := os.CreateTemp(dir, ".sluice-artifact-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	defer func() { _ = tmp.Close() }()
	sum := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, sum), body); err != nil {
		return fmt.Errorf("reading it: %w", err)
	}
	if err := verify(checksum, sum); err != nil {
		return err
	}
	if !toStdout {
		if err := tmp.Close(); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), o.out)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err = io.Copy(g.stdout, tmp)
	return err
}

// verify checks the SHA-256 of what arrived against the recorded
// checksum; a checksum of another kind (S3's version:ID) is not one it
// can check here, and none means the store recorded none.
func verify(checksum string, sum hash.Hash) error {
	want, ok := strings.CutPrefix(checksum, "sha256:")
	if !ok {
		return nil
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != want {
		return fmt.Errorf("checksum mismatch: the run store recorded sha256:%s, what arrived has sha256:%s (the object changed after its step wrote it): nothing written", want, got)
	}
	return nil
}
