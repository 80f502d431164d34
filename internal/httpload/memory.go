package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"
)

// memoryPhase starts the daemon on a repository of pipelines with three
// environments (dev, staging, prod, branches of one commit, each waiting
// for approval of its plan: loaded, checked, compiled and planned, the
// daemon's whole work before an apply) and prints its resident and peak
// memory once the three plans are ready, and again after a minute at rest.
func memoryPhase(sluice string, pipelines int) error {
	dir, err := os.MkdirTemp("", "httpload")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	start := time.Now()
	d, err := startDaemon(sluice, dir, pipelines, "dev", "staging", "prod")
	if err != nil {
		return err
	}
	defer d.stop()
	fmt.Printf("daemon pid %d on %s; at start: %s\n", d.cmd.Process.Pid, d.url, d.sample())
	if err := waitStates(d, "waiting_approval", 3, 10*time.Minute); err != nil {
		return err
	}
	fmt.Printf("three plans ready after %.1f s: %s\n", time.Since(start).Seconds(), d.sample())
	time.Sleep(time.Minute)
	fmt.Printf("a minute later: %s\n", d.sample())
	return nil
}

// waitStates waits until n environments of the daemon's status are in
// state.
func waitStates(d *daemon, state string, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(d.url + "/api/v1/environments"); err == nil {
			var envs []struct {
				State string `json:"state"`
			}
			err := json.NewDecoder(resp.Body).Decode(&envs)
			_ = resp.Body.Close()
			count := 0
			for _, e := range envs {
				if e.State == state {
					count++
				}
			}
			if err == nil && count >= n {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%d environments were not %s within %s", n, state, limit)
}
