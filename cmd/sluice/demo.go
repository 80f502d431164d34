package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
)

type demoOptions struct {
	dir      string
	listen   string
	exit     bool
	pgDSN    string
	logLevel string
	timeout  time.Duration
}

func newDemoCmd(g *globalOptions) *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run Sluice end to end on this machine: deploy, run and promote a training pipeline",
		Long: `Demo makes a Git repository from the training template with dev, staging and
prod branches, starts the daemon on it with the local backend (no AWS account
needed: pipelines run as local processes, artifact stores are folders),
deploys the three environments (prod waits for an approval, which the demo
gives), runs the training pipeline in dev, then promotes a change from dev to
staging by a merge. It prints where the results and /metrics are and keeps
serving until Ctrl-C (--exit stops after the promotion).

The steps are small Python programs: python3 must be on PATH. Without
--postgres-dsn the template's MetadataStore is left out: the local backend
makes databases only on a real PostgreSQL server.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	cmd.Flags().StringVar(&o.dir, "dir", "", "`DIR` to keep the demo in (default: a new temporary folder)")
	cmd.Flags().StringVar(&o.listen, "listen", "127.0.0.1:8080", "`ADDR` for the API, status page and /metrics")
	cmd.Flags().BoolVar(&o.exit, "exit", false, "stop after the run and the promotion instead of serving")
	cmd.Flags().StringVar(&o.pgDSN, "postgres-dsn", os.Getenv("SLUICE_PG_DSN"), "PostgreSQL `DSN` for the MetadataStore (SLUICE_PG_DSN)")
	cmd.Flags().StringVar(&o.logLevel, "log-level", "warn", "daemon log `LEVEL`")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up on a step of the demo after `DURATION`")
	return cmd
}

// demo is a running demo: its folder, repository and daemon.
type demo struct {
	o    *demoOptions
	out  io.Writer
	dir  string
	repo *demoRepo
	d    *daemon.Daemon
	url  string
}

func (o *demoOptions) run(ctx context.Context, g *globalOptions) (err error) {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	dm, err := o.setUp(g)
	if err != nil {
		return err
	}
	log, err := newLogger(g.stderr, "text", o.logLevel)
	if err != nil {
		return err
	}
	cfg, err := dm.writeConfig()
	if err != nil {
		return err
	}
	runs, err := openRunStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, runs.Close()) }()
	if err := settleLocalRuns(ctx, cfg, runs, log); err != nil {
		return err
	}
	conn := daemonConnector(log, runs)
	defer func() { _ = conn.close() }()
	d, err := daemon.New(ctx, daemon.Options{Config: cfg, Connect: conn.connect, Logger: log, Version: version(), Redactor: conn.redact,
		Runs: runs})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, d.Close()) }()
	dm.d = d
	srv, err := dm.serve()
	if err != nil {
		return err
	}
	work, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(work) }()
	err = dm.script(ctx)
	if err == nil && !o.exit {
		dm.say("\nServing until Ctrl-C. The daemon polls the repository every 5 s: commit to %s (branch dev) and watch it deploy.", dm.repo.dir)
		<-ctx.Done()
	}
	cancel()
	err = errors.Join(err, <-done)
	shutdown, stopSrv := context.WithTimeout(context.Background(), 5*time.Second)
	defer stopSrv()
	return errors.Join(err, srv.Shutdown(shutdown))
}

// setUp makes the demo's folder, repository and API token.
func (o *demoOptions) setUp(g *globalOptions) (*demo, error) {
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "sluice-demo-"); err != nil {
			return nil, err
		}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	dm := &demo{o: o, out: g.stdout, dir: dir}
	dm.say("Sluice demo in %s", dir)
	if dm.repo, err = newDemoRepo(filepath.Join(dir, "repo"), o.pgDSN != ""); err != nil {
		return nil, fmt.Errorf("make the demo repository: %w", err)
	}
	if o.pgDSN == "" {
		dm.say("  (no --postgres-dsn: the template's MetadataStore is left out; the local backend never fakes a database)")
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	if err := os.WriteFile(filepath.Join(dir, "api-token"), []byte(hex.EncodeToString(token)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return dm, nil
}

// config is the daemon's configuration: the repository's three branches
// on the local backend, prod with manual sync.
func (dm *demo) config() string {
	env := func(name, sync string) string {
		s := fmt.Sprintf("      - name: %s\n        branch: %s\n        backend: local\n        local:\n          dir: %s\n          workdir: %s\n",
			name, name, filepath.Join(dm.dir, "world"), dm.repo.dir)
		if dm.o.pgDSN != "" {
			s += "          postgresDSN: {env: SLUICE_PG_DSN}\n"
		}
		return s + fmt.Sprintf("        sync: %s\n        prune: true\n        driftInterval: 10m\n", sync)
	}
	return fmt.Sprintf("listen: %s\nstateFile: %s\napiToken: {file: %s}\nrepositories:\n  - name: demo\n    url: file://%s\n    pollInterval: 5s\n    environments:\n%s%s%s",
		dm.o.listen, filepath.Join(dm.dir, "state.db"), filepath.Join(dm.dir, "api-token"), dm.repo.dir,
		env("dev", "auto"), env("staging", "auto"), env("prod", "manual"))
}

// writeConfig writes the daemon's configuration to DIR/daemon.yaml, so
// that "sluice daemon --config DIR/daemon.yaml" brings the demo back
// with its state and recorded runs, and returns it parsed.
func (dm *demo) writeConfig() (*config.Config, error) {
	path, text := filepath.Join(dm.dir, "daemon.yaml"), []byte(dm.config())
	if err := os.WriteFile(path, text, 0o600); err != nil {
		return nil, err
	}
	return config.Parse(path, text)
}

// serve starts the daemon's HTTP server.
func (dm *demo) serve() (*http.Server, error) {
	ln, err := net.Listen("tcp", dm.o.listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (use --listen): %w", dm.o.listen, err)
	}
	dm.url = "http://" + ln.Addr().String()
	return dm.d.Serve(ln), nil
}

func (dm *demo) say(format string, args ...any) { fmt.Fprintf(dm.out, format+"\n", args...) }

// script deploys, approves, runs and promotes, saying what happens.
func (dm *demo) script(ctx context.Context) error {
	first, err := dm.repo.head("dev")
	if err != nil {
		return err
	}
	dm.say("\n1. Deploying dev, staging and prod from commit %.12s (prod waits for an approval)...", first)
	for _, env := range []string{"dev", "staging"} {
		if _, err := dm.waitApplied(ctx, env, first); err != nil {
			return err
		}
	}
	if err := dm.approveProd(ctx, first); err != nil {
		return err
	}
	run, err := dm.runTraining(ctx)
	if err != nil {
		return err
	}
	if err := dm.promote(ctx); err != nil {
		return err
	}
	dm.summary(run)
	if run.Status != sluice.ExecutionSucceeded {
		return exitError{code: exitInvalid}
	}
	return nil
}
