package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluice-dev/sluice"
)

// RunReader is a run store that can be read back as well as written.
type RunReader interface {
	RunRecorder
	Run(ctx context.Context, env, id string) (sluice.RunDetail, error)
}

// SettleRuns records as ended the runs that a process which stopped
// without closing its World (killed, crashed) left running in the data
// directory dir: each such run is ABORTED in runs, with the cause "the
// process running it stopped" and the time of its record's last write,
// and its attempts still running are FAILED. Call it before any World
// opens dir: a World's own executions are running. It returns how many
// runs it settled; a record it cannot read is skipped, a write that
// fails is returned.
func SettleRuns(ctx context.Context, dir string, runs RunReader) (int, error) {
	paths, err := filepath.Glob(filepath.Join(dir, executionsDir, "*", "*.json"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), ".") {
			continue
		}
		settled, err := settleRun(ctx, p, runs)
		if err != nil {
			return n, err
		}
		if settled {
			n++
		}
	}
	return n, nil
}

// settleRun settles the run of the execution record at path when the
// record and the store both say it runs.
func settleRun(ctx context.Context, path string, runs RunReader) (bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return false, nil
	}
	var e sluice.Execution
	if json.Unmarshal(b, &e) != nil || e.Status != sluice.ExecutionRunning {
		return false, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return false, nil
	}
	r, err := runs.Run(ctx, "", e.ID)
	if sluice.KindOf(err) == sluice.KindNotFound || errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if r.Status != sluice.ExecutionRunning {
		return false, nil
	}
	ended := fi.ModTime().UTC()
	for _, a := range r.Attempts {
		if a.Status == sluice.ExecutionRunning {
			a.Status, a.Stopped, a.Cause = sluice.ExecutionFailed, ended, causeStopped
			if err := runs.PutAttempt(ctx, a); err != nil {
				return false, fmt.Errorf("settle run %s: %w", r.Name, err)
			}
		}
	}
	r.Status, r.Stopped, r.Cause = sluice.ExecutionAborted, ended, causeDied
	if err := runs.PutRun(ctx, r.RunRecord); err != nil {
		return false, fmt.Errorf("settle run %s: %w", r.Name, err)
	}
	return true, nil
}
