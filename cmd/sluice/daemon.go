package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
)

type daemonOptions struct {
	config    string
	logFormat string
	logLevel  string
	// ready, when set, receives the listening address (tests use it).
	ready func(addr string)
}

func newDaemonCmd(g *globalOptions) *cobra.Command {
	o := &daemonOptions{}
	cmd := &cobra.Command{
		Use:   "daemon --config FILE",
		Short: "Watch the configured repositories and keep their environments in sync",
		Long: `The daemon watches the branches its configuration maps to environments
(polling plus signed webhooks), and reconciles each environment whenever its
branch moves and every drift interval: sync: auto environments are applied,
sync: manual ones wait for "sluice approve". It serves /metrics, /healthz,
/readyz, a JSON API and a status page on the configured address.

SIGHUP reloads the configuration (a bad one is reported and the running one
kept); SIGTERM or SIGINT stops it after the reconciles in flight finish.
See docs/operations.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	cmd.Flags().StringVar(&o.config, "config", "", "daemon configuration `FILE` (see docs/daemon.example.yaml)")
	cmd.Flags().StringVar(&o.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	cmd.Flags().StringVar(&o.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn or error")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

func (o *daemonOptions) run(ctx context.Context, g *globalOptions) (err error) {
	log, err := newLogger(g.stderr, o.logFormat, o.logLevel)
	if err != nil {
		return err
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		log.Warn("configuration", "finding", w.String())
	}
	setMemoryLimit(log)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	runs, err := openRunStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	// Closed last: the local worlds record their runs' ends on close.
	defer func() { err = errors.Join(err, runs.Close()) }()
	if err := settleLocalRuns(ctx, cfg, runs, log); err != nil {
		return err
	}
	conn := daemonConnector(log, runs)
	defer func() { _ = conn.close() }()
	d, err := daemon.New(ctx, daemon.Options{Config: cfg, Connect: conn.connect, Logger: log, Version: version(), Redactor: conn.redact,
		Runs: runs, Ingest: conn.ingest, Logs: conn.logs})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, d.Close()) }()
	// The local worlds, made as environments connect, count the runs and
	// step attempts they record in the daemon's metrics.
	conn.mu.Lock()
	conn.runs = d.CountingRuns(runs)
	conn.mu.Unlock()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := d.Serve(ln)
	log.Info("listening", "addr", ln.Addr().String())
	if o.ready != nil {
		o.ready(ln.Addr().String())
	}
	go o.reloadOnHUP(ctx, d, log)
	err = d.Run(ctx)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(err, srv.Shutdown(shutdown))
}

// reloadOnHUP reloads the configuration on every SIGHUP until ctx ends.
func (o *daemonOptions) reloadOnHUP(ctx context.Context, d *daemon.Daemon, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		cfg, err := config.Load(o.config)
		if err == nil {
			err = d.Reload(ctx, cfg)
		}
		if err != nil {
			log.Error("configuration not reloaded; the running one is kept", "err", err)
			continue
		}
		log.Info("configuration reloaded", "hash", cfg.Hash())
	}
}

// newLogger returns a structured logger writing to w.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}
