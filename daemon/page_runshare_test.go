package daemon_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/rollout"
)

// countingRunner counts the DescribeExecution calls made to a runner
// for the execution named name.
type countingRunner struct {
	sluice.Runner
	name      string
	describes *atomic.Int64
}

func (c countingRunner) DescribeExecution(ctx context.Context, id string) (sluice.Execution, error) {
	if strings.HasSuffix(id, ":"+c.name) || id == c.name {
		c.describes.Add(1)
	}
	return c.Runner.DescribeExecution(ctx, id)
}

// TestRunViewersShareReads: six pages follow a running run (kept in
// memory, as an AWS run without a run store is), each fetching itself on
// every change and at the end as the page's script does. The runner's
// DescribeExecution is called by two readers only, the daemon's follower
// of the run and the pages' shared reader, each at most once per 2 s of
// the run's life (plus its first read), whatever the number of pages;
// one reader per page would have made six times the pages' share.
func TestRunViewersShareReads(t *testing.T) {
	var describes atomic.Int64
	r := newPageRig(t, harnessOptions{target: func(_ config.Environment, tg *rollout.Target) (*rollout.Target, error) {
		tg.Runner = countingRunner{Runner: tg.Runner, name: "s1", describes: &describes}
		return tg, nil
	}})
	runs := "/api/v1/environments/dev/pipelines/slow/runs"
	start := time.Now()
	if code, body := r.h.post(runs, testToken, map[string]any{"name": "s1"}); code != http.StatusOK {
		t.Fatalf("start a run: %d %s", code, body)
	}
	page := "/ui/env/dev/pipelines/slow/runs/s1"
	client := &http.Client{Transport: bearer(testToken)}
	const viewers = 6
	var wg sync.WaitGroup
	var views, ends atomic.Int64
	for range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", r.h.api.URL+page+"/events", nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = resp.Body.Close() }()
			lines := bufio.NewScanner(resp.Body)
			for lines.Scan() {
				name, ok := strings.CutPrefix(lines.Text(), "event: ")
				if !ok || name == "ready" {
					continue
				}
				// The page's script fetches the page again.
				res, err := client.Get(r.h.api.URL + page)
				if err != nil || res.StatusCode != http.StatusOK {
					t.Errorf("page view: %v %v", err, res)
				} else {
					_ = res.Body.Close()
					views.Add(1)
				}
				if name == "end" {
					ends.Add(1)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	calls := describes.Load()
	if ends.Load() != viewers {
		t.Fatalf("%d of %d pages saw the run end", ends.Load(), viewers)
	}
	// Two readers, each at most one read per 2 s and a first one; StartRun
	// reads the run once besides.
	bound := 2*(int64(elapsed/(2*time.Second))+1) + 1
	t.Logf("%d DescribeExecution calls in %s for %d pages (%d page views); bound %d", calls, elapsed.Round(time.Millisecond), viewers, views.Load(), bound)
	if calls > bound {
		t.Errorf("%d DescribeExecution calls in %s with %d pages following, more than the %d two shared readers make",
			calls, elapsed.Round(time.Millisecond), viewers, bound)
	}
}
