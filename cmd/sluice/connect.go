package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/redact"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/runstore"
)

// connector connects the daemon's environments to their backends. AWS
// environments of one account and region share one rate limiter: AWS's
// quotas are per account and region, and the limiter lives as long as
// the daemon, so back-to-back reconciles do not start with full buckets.
type connector struct {
	log      *slog.Logger
	mu       sync.Mutex
	limiters map[string]limiter
	worlds   map[string]localWorld
	// retired are worlds a reload replaced: they finish the runs they
	// started and are closed with the daemon.
	retired []*local.World
	// redact masks secret values in what local steps print, before
	// their runs are stored; the daemon keeps its values current.
	redact *redact.Redactor
	// runs records the local worlds' executions; nil records none.
	runs local.RunRecorder
}

// localWorld is the world of a data directory and the settings it was
// made with.
type localWorld struct {
	*local.World
	workdir, dsn string
	sandbox      local.Sandbox
}

func newConnector(log *slog.Logger) *connector {
	return &connector{log: log, limiters: map[string]limiter{}, worlds: map[string]localWorld{}}
}

// daemonConnector returns the connector a daemon wires its backends
// through: one redactor masks the secrets the daemon knows in its log,
// in what local steps print and in the runs recorded in runs.
func daemonConnector(log *slog.Logger, runs *runstore.Store) *connector {
	red := redact.New()
	conn := newConnector(slog.New(redact.NewHandler(log.Handler(), red)))
	conn.redact, conn.runs = red, runs
	return conn
}

// connect connects env, counting its AWS calls with rec.
func (c *connector) connect(ctx context.Context, env config.Environment, rec awsapi.Recorder) (*rollout.Target, error) {
	switch env.Backend {
	case config.BackendAWS:
		return c.connectAWS(ctx, env, rec)
	case config.BackendLocal:
		w, err := c.world(env)
		if err != nil {
			return nil, err
		}
		return &rollout.Target{Backends: w.Backends(), Vars: w.Vars(), Runner: w, Artifacts: w}, nil
	}
	return nil, fmt.Errorf("environment %s: unknown backend %q", env.Name, env.Backend)
}

func (c *connector) connectAWS(ctx context.Context, env config.Environment, rec awsapi.Recorder) (*rollout.Target, error) {
	a := env.AWS
	if a == nil {
		return nil, fmt.Errorf("environment %s: no aws settings", env.Name)
	}
	t := targetOf(env)
	calls := &awsapi.Counter{}
	e, err := connectAWS(ctx, t, calls, awsapi.WithRecorder(fanout{calls, rec}), awsapi.WithLimiter(c.limiter(a)))
	if err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	return rolloutTarget(e), nil
}

// targetOf is what connecting env to AWS needs, from its configuration
// (env.AWS set).
func targetOf(env config.Environment) awsTarget {
	a := env.AWS
	return awsTarget{Target: awsapi.Target{Region: a.Region, RoleARN: a.RoleARN, ExternalID: a.ExternalID, Endpoint: a.Endpoint},
		env: env.Name, protected: env.Protected, roles: roles{states: a.StatesRoleARN, scheduler: a.SchedulerRoleARN}, pathStyle: a.S3PathStyle}
}

// limiter returns the limiter of a's account and region, keeping to a's
// quotas. A reload that changes them replaces the account's limiter.
func (c *connector) limiter(a *config.AWS) *awsapi.Limiter {
	key := a.RoleARN + "|" + a.Region + "|" + a.Endpoint
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[key]
	if !ok || !maps.Equal(l.quotas, a.Quotas) {
		l = limiter{Limiter: awsapi.NewLimiter(a.Quotas), quotas: a.Quotas}
		c.limiters[key] = l
	}
	return l.Limiter
}

// limiter is an account's limiter and the quotas it was made with.
type limiter struct {
	*awsapi.Limiter
	quotas map[string]awsapi.Rate
}

// fanout records every call with each of its recorders.
type fanout []awsapi.Recorder

func (f fanout) Record(service, operation, result string) {
	for _, r := range f {
		r.Record(service, operation, result)
	}
}

func (f fanout) RecordRetry(service, operation string) {
	for _, r := range f {
		r.RecordRetry(service, operation)
	}
}

// world returns the local world of env's data directory, one per
// directory: environments sharing a directory share its compute slots.
// When a reload changed the directory's settings (workdir, the
// PostgreSQL DSN's value, the sandbox), a new world serves them from then on.
func (c *connector) world(env config.Environment) (*local.World, error) {
	l := env.Local
	if l == nil {
		return nil, fmt.Errorf("environment %s: no local settings", env.Name)
	}
	want := localWorld{workdir: l.Workdir, sandbox: localSandbox(l.Sandbox)}
	if l.PostgresDSN != nil {
		dsn, err := l.PostgresDSN.Read()
		if err != nil {
			return nil, fmt.Errorf("environment %s: postgres DSN: %w", env.Name, err)
		}
		want.dsn = string(dsn)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.worlds[l.Dir]
	if ok && old.workdir == want.workdir && old.dsn == want.dsn && old.sandbox.Equal(want.sandbox) {
		return old.World, nil
	}
	w, err := local.New(l.Dir, local.Options{Workdir: want.workdir, Logger: c.log, PostgresDSN: want.dsn, Redact: c.redact.String,
		Sandbox: want.sandbox, Runs: c.runs})
	if err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	if ok {
		c.retired = append(c.retired, old.World)
	}
	want.World = w
	c.worlds[l.Dir] = want
	return w, nil
}

// localSandbox is the local backend's sandbox that s configures (nil:
// the default, every step sandboxed).
func localSandbox(s *config.LocalSandbox) local.Sandbox {
	if s == nil {
		return local.Sandbox{}
	}
	return local.Sandbox{Off: s.Off, Bwrap: s.Bwrap, ReadOnly: s.ReadOnly}
}

// close stops the runs of every local world (their records end aborted).
func (c *connector) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, w := range c.worlds {
		errs = append(errs, w.Close())
	}
	for _, w := range c.retired {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}
