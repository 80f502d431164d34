// Command faultload measures the daemon under the Git faults of
// docs/performance.md ("Daemon under faults"): the remote unreachable,
// then polls answered but every fetch failing with HTTP 500. It runs
// `sluice daemon` as a separate process (local backend, two environments:
// dev with sync auto and prod with sync manual, drift every minute, a
// poll every 10 s) against a Git remote it serves itself over smart HTTP
// (git http-backend), and reports, per phase, the failed reconciles of
// each environment (sluice_reconcile_total), the daemon's CPU time (from
// /proc, Linux only) and the ERROR lines it logged.
//
//	go build -o /tmp/sluice ./cmd/sluice && go run ./internal/faultload -sluice /tmp/sluice
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	sluice := flag.String("sluice", "sluice", "`PATH` of the sluice binary to run")
	down := flag.Duration("down", 37*time.Second, "how long the remote is unreachable")
	failing := flag.Duration("failing", 152*time.Second, "how long fetches fail with HTTP 500 while polls are answered")
	flag.Parse()
	if err := run(*sluice, *down, *failing); err != nil {
		fmt.Fprintln(os.Stderr, "faultload:", err)
		os.Exit(1)
	}
}

func run(sluice string, down, failing time.Duration) error {
	dir, err := os.MkdirTemp("", "faultload")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	remote, err := newRemote(dir)
	if err != nil {
		return err
	}
	defer remote.close()
	d, err := startDaemon(sluice, dir, remote.url)
	d.debug = os.Getenv("FAULTLOAD_DEBUG") != ""
	if err != nil {
		return err
	}
	defer d.stop()
	if err := d.waitReconciled(2 * time.Minute); err != nil {
		return err
	}
	fmt.Printf("daemon pid %d; both environments reconciled\n", d.cmd.Process.Pid)

	remote.setMode(modeDown)
	if err := d.phase(fmt.Sprintf("remote unreachable for %s", down), down); err != nil {
		return err
	}
	remote.setMode(modeUp)
	// Each phase starts healthy: the environments recover (after the
	// backoff the failures reached) before the next fault.
	if err := d.waitRecovered(5 * time.Minute); err != nil {
		return err
	}
	fmt.Println("both environments recovered")
	if err := remote.commit("a change to fetch"); err != nil {
		return err
	}
	// The next poll sees the moved heads; fetches fail from now on.
	remote.setMode(modeFetchFails)
	return d.phase(fmt.Sprintf("polls answered, fetches HTTP 500 for %s", failing), failing)
}
