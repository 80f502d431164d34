package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// daemon is a running `sluice daemon` process whose JSON log lines are
// counted by level.
type daemon struct {
	cmd *exec.Cmd
	url string

	mu     sync.Mutex
	errors int
	warns  int
	done   chan struct{}
	// debug copies the log to stderr.
	debug bool
}

// startDaemon writes the configuration under dir and starts the daemon
// on the remote at url.
func startDaemon(sluice, dir, url string) (*daemon, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	world := filepath.Join(dir, "world")
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
stateFile: %s
repositories:
  - name: ml
    url: %s
    pollInterval: 10s
    environments:
      - {name: dev, branch: dev, backend: local, local: {dir: %s}, driftInterval: 1m}
      - {name: prod, branch: prod, sync: manual, backend: local, local: {dir: %s}, driftInterval: 1m}
`, port, filepath.Join(dir, "state.db"), url, world, world)
	path := filepath.Join(dir, "daemon.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(sluice, "daemon", "--config", path, "--log-format", "json")
	logs, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	d := &daemon{cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d", port), done: make(chan struct{})}
	go d.count(logs)
	return d, nil
}

// count counts the log lines by level.
func (d *daemon) count(r io.Reader) {
	defer close(d.done)
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		if d.debug {
			fmt.Fprintln(os.Stderr, s.Text())
		}
		var line struct{ Level string }
		if json.Unmarshal(s.Bytes(), &line) != nil {
			continue
		}
		d.mu.Lock()
		switch line.Level {
		case "ERROR":
			d.errors++
		case "WARN":
			d.warns++
		}
		d.mu.Unlock()
	}
}

func (d *daemon) lines() (errs, warns int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.errors, d.warns
}

func (d *daemon) stop() {
	_ = d.cmd.Process.Signal(os.Interrupt)
	_ = d.cmd.Wait()
	<-d.done
}

// waitReconciled waits until both environments have completed a
// reconcile (dev applied, prod's plan waiting or unchanged).
func (d *daemon) waitReconciled(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for ctx.Err() == nil {
		m, err := d.metrics()
		if err == nil && m[`sluice_reconcile_total{environment="dev",result="applied"}`] >= 1 &&
			m[`sluice_reconcile_total{environment="prod",result="waiting_approval"}`]+m[`sluice_reconcile_total{environment="prod",result="unchanged"}`] >= 1 {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	m, _ := d.metrics()
	var seen []string
	for k, v := range m {
		if strings.HasPrefix(k, "sluice_reconcile_total") || strings.HasPrefix(k, "sluice_git_polls_total") {
			seen = append(seen, fmt.Sprintf("%s %v", k, v))
		}
	}
	return fmt.Errorf("the environments did not reconcile in time: %v", seen)
}

// waitRecovered waits until each environment has ended a reconcile
// without failing since it was called.
func (d *daemon) waitRecovered(limit time.Duration) error {
	ok := func(m map[string]float64, env string) float64 {
		n := 0.0
		for _, result := range []string{"applied", "unchanged", "waiting_approval", "held"} {
			n += m[`sluice_reconcile_total{environment="`+env+`",result="`+result+`"}`]
		}
		return n
	}
	before, err := d.metrics()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		m, err := d.metrics()
		if err == nil && ok(m, "dev") > ok(before, "dev") && ok(m, "prod") > ok(before, "prod") {
			return nil
		}
	}
	return fmt.Errorf("the environments did not recover within %s", limit)
}

// metrics reads /metrics as a map from series (name and labels, as
// written) to value.
func (d *daemon) metrics() (map[string]float64, error) {
	resp, err := http.Get(d.url + "/metrics")
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, line := range bytes.Split(body, []byte("\n")) {
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		i := bytes.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(string(line[i+1:]), 64)
		if err == nil {
			out[string(line[:i])] = v
		}
	}
	return out, nil
}

// failed returns env's failed reconciles so far.
func failed(m map[string]float64, env string) float64 {
	return m[`sluice_reconcile_total{environment="`+env+`",result="failed"}`]
}

// phase runs for length and prints what it cost: failed reconciles per
// environment, failed polls, CPU time and log lines.
func (d *daemon) phase(name string, length time.Duration) error {
	before, err := d.metrics()
	if err != nil {
		return err
	}
	cpu0 := d.cpu()
	errs0, warns0 := d.lines()
	time.Sleep(length)
	after, err := d.metrics()
	if err != nil {
		return err
	}
	errs, warns := d.lines()
	polls := func(m map[string]float64) float64 {
		return m[`sluice_git_polls_total{repository="ml",result="failed"}`]
	}
	fmt.Printf("%s: failed reconciles dev %.0f, prod (sync: manual) %.0f; failed polls %.0f; CPU %.2f s; ERROR lines %d, WARN lines %d\n",
		name, failed(after, "dev")-failed(before, "dev"), failed(after, "prod")-failed(before, "prod"),
		polls(after)-polls(before), (d.cpu() - cpu0).Seconds(), errs-errs0, warns-warns0)
	return nil
}

// cpu returns the daemon's CPU time so far, from /proc/PID/stat (utime
// and stime, the 14th and 15th fields, in USER_HZ = 100 ticks a second).
func (d *daemon) cpu() time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", d.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100
}
