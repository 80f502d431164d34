// Command httpload measures the daemon's HTTP server under the loads of
// docs/performance.md: GET /api/v1/environments from 50 connections at
// once, 1,000 idle keep-alive connections, then a flood of 2,000 forged
// webhooks from 127.0.0.2 with genuine ones from 127.0.0.1 among them. It runs `sluice daemon` as a separate process on a
// temporary repository (local backend) and reads the daemon's CPU time
// and resident memory from /proc (Linux only).
//
//	go build -o /tmp/sluice ./cmd/sluice && go run ./internal/httpload -sluice /tmp/sluice
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/templates"
)

// hookSecret is the generic webhook secret of the measured daemon.
const hookSecret = "httpload-hook-secret"

func main() {
	sluice := flag.String("sluice", "sluice", "`PATH` of the sluice binary to run")
	idle := flag.Int("idle", 1000, "idle keep-alive connections to hold")
	forged := flag.Int("forged", 2000, "forged webhooks to send")
	hold := flag.Duration("hold", 10*time.Second, "how long to hold the idle connections")
	api := flag.Int("api", 20000, "GET /api/v1/environments requests to send over 50 connections (0: none)")
	only := flag.Bool("api-only", false, "run only the API phase")
	pipelines := flag.Int("pipelines", 0, "serve a generated repository of `N` pipelines (internal/benchrepo) instead of the training template")
	memory := flag.Bool("memory", false, "only measure the daemon's memory: three environments (dev, staging, prod) of the repository planned, awaiting approval")
	flag.Parse()
	var err error
	if *memory {
		err = memoryPhase(*sluice, *pipelines)
	} else {
		err = run(*sluice, *idle, *forged, *hold, *api, *only, *pipelines)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpload:", err)
		os.Exit(1)
	}
}

func run(sluice string, idle, forged int, hold time.Duration, api int, apiOnly bool, pipelines int) error {
	dir, err := os.MkdirTemp("", "httpload")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	d, err := startDaemon(sluice, dir, pipelines, "dev")
	if err != nil {
		return err
	}
	defer d.stop()
	fmt.Printf("daemon pid %d on %s; at rest: %s\n", d.cmd.Process.Pid, d.url, d.sample())
	if api > 0 {
		if err := waitReconciled(d); err != nil {
			return err
		}
		if err := apiPhase(d, "/api/v1/environments", 50, api); err != nil {
			return err
		}
	}
	if apiOnly {
		return nil
	}
	if err := idlePhase(d, idle, hold); err != nil {
		return err
	}
	return floodPhase(d, forged)
}

// daemon is a running `sluice daemon` process.
type daemon struct {
	cmd *exec.Cmd
	url string
}

// startDaemon writes a repository and a configuration under dir, starts
// the daemon and waits for /healthz.
func startDaemon(sluice, dir string, pipelines int, envs ...string) (*daemon, error) {
	repo := filepath.Join(dir, "repo")
	if err := writeRepo(repo, pipelines); err != nil {
		return nil, err
	}
	for _, args := range [][]string{{"init", "-q", "-b", "dev"}, {"add", "."},
		{"-c", "user.name=load", "-c", "user.email=load@example.com", "commit", "-qm", "load"}} {
		if out, err := exec.Command("git", append([]string{"-C", repo}, args...)...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("git %v: %w: %s", args, err, out)
		}
	}
	// The first environment deploys as it is pushed; the others are
	// branches of the same commit that wait for approval.
	var envLines strings.Builder
	for i, env := range envs {
		if i > 0 {
			if out, err := exec.Command("git", "-C", repo, "branch", env, "dev").CombinedOutput(); err != nil {
				return nil, fmt.Errorf("git branch %s: %w: %s", env, err, out)
			}
		}
		sync := "auto"
		if len(envs) > 1 {
			sync = "manual"
		}
		fmt.Fprintf(&envLines, "      - {name: %s, branch: %s, backend: local, local: {dir: %s}, sync: %s, driftInterval: 0s}\n",
			env, env, filepath.Join(dir, "world"), sync)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
stateFile: %s
repositories:
  - name: ml
    url: file://%s
    pollInterval: 1h
    webhooks:
      generic: {secret: {env: HTTPLOAD_HOOK_SECRET}}
    environments:
%s`, port, filepath.Join(dir, "state.db"), repo, envLines.String())
	path := filepath.Join(dir, "daemon.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(sluice, "daemon", "--config", path, "--log-level", "error")
	cmd.Env = append(os.Environ(), "HTTPLOAD_HOOK_SECRET="+hookSecret)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	d := &daemon{cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if resp, err := http.Get(d.url + "/healthz"); err == nil {
			_ = resp.Body.Close()
			return d, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	d.stop()
	return nil, errors.New("the daemon did not answer /healthz in 30 s")
}

// writeRepo writes the training template, or n generated pipelines.
func writeRepo(repo string, n int) error {
	if n == 0 {
		return templates.Scaffold("training", repo, "load")
	}
	for p, data := range benchrepo.Files(n) {
		full := filepath.Join(repo, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (d *daemon) stop() {
	_ = d.cmd.Process.Signal(os.Interrupt)
	_ = d.cmd.Wait()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
