package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/daemon"
)

// clientOptions say how the CLI reaches a running daemon's API.
type clientOptions struct {
	server    string
	tokenFile string
	env       string
	format    string
}

func (o *clientOptions) flags(cmd *cobra.Command, needsEnv bool) {
	server := os.Getenv("SLUICE_SERVER")
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	cmd.Flags().StringVar(&o.server, "server", server, "`URL` of the daemon's API (SLUICE_SERVER)")
	cmd.Flags().StringVar(&o.tokenFile, "token-file", os.Getenv("SLUICE_TOKEN_FILE"),
		"`FILE` holding the API token for changes, or a read token for runs (SLUICE_TOKEN_FILE; SLUICE_TOKEN works too)")
	outputFlag(cmd, &o.format, "text", "text", "json", "yaml")
	if needsEnv {
		cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV`")
		_ = cmd.MarkFlagRequired("env")
	}
}

// token reads the API token from --token-file or SLUICE_TOKEN.
func (o *clientOptions) token() (string, error) {
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return "", fmt.Errorf("read the API token: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	if t := os.Getenv("SLUICE_TOKEN"); t != "" {
		return t, nil
	}
	return "", fmt.Errorf("this call changes the daemon's state and needs its API token: --token-file FILE or SLUICE_TOKEN")
}

// call sends a request to the API and decodes the JSON answer into out;
// an answer other than 200 is an error carrying the daemon's message.
func (o *clientOptions) call(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(o.server, "/")+path, r)
	if err != nil {
		return err
	}
	// A read sends the token when one is given (runs need a read or the
	// API token); a change always needs it.
	if method != http.MethodGet || o.tokenFile != "" || os.Getenv("SLUICE_TOKEN") != "" {
		token, err := o.token()
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reach the daemon at %s: %w", o.server, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string
			Pending *daemon.PendingPlan
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return &apiError{status: resp.Status, msg: e.Error, pending: e.Pending}
		}
		return &apiError{status: resp.Status, msg: strings.TrimSpace(string(data))}
	}
	return json.Unmarshal(data, out)
}

// apiError is an answer of the API other than 200: its status, the
// daemon's message and, for an approval refused because the plan
// changed, the plan now waiting.
type apiError struct {
	status, msg string
	pending     *daemon.PendingPlan
	// usage makes any answer exit 2: a run the daemon would not start
	// is a usage error of sluice run, as its help says.
	usage bool
}

// notStarted marks the daemon's refusal to start a run as a usage
// error (exit 2); other errors pass unchanged.
func notStarted(err error) error {
	var refused *apiError
	if errors.As(err, &refused) {
		refused.usage = true
	}
	return err
}

func (e *apiError) Error() string { return e.status + ": " + e.msg }

// exitCode is the CLI's exit code for the answer: 2 when the request
// named nothing the daemon knows or was malformed (400, 401, 404, 422:
// an unknown or ambiguous environment, run or parameter, no token),
// 1 for a refusal of a well-formed request (403, 409, 5xx: the plan
// changed, the run cannot be resumed, the daemon failed).
func (e *apiError) exitCode() int {
	code, _, _ := strings.Cut(e.status, " ")
	if e.usage {
		return exitUsage
	}
	switch code {
	case "400", "401", "404", "422":
		return exitUsage
	}
	return exitInvalid
}

// envPath is the API path of the environment's resource sub. The name
// is escaped: a qualified name REPO/ENV is one segment of the path.
func (o *clientOptions) envPath(sub string) string {
	p := "/api/v1/environments/" + url.PathEscape(o.env)
	if sub != "" {
		p += "/" + sub
	}
	return p
}

// writeJSONOut prints v as indented JSON.
func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
