package daemon

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/daemon/webhook"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/redact"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// Connector connects an environment's target: its backends and
// placeholder values. rec counts every AWS call the target makes. It is
// called from several environments' workers at once.
type Connector func(ctx context.Context, env config.Environment, rec awsapi.Recorder) (*rollout.Target, error)

// Options configure a Daemon.
type Options struct {
	// Config is the validated configuration.
	Config *config.Config
	// Connect connects environments to their backends. Required.
	Connect Connector
	// Logger receives structured logs, secret values masked (see
	// Redactor); nil discards them.
	Logger *slog.Logger
	// Registry receives the metrics and serves /metrics; nil makes a
	// fresh one.
	Registry *prometheus.Registry
	// CacheDir holds the local Git caches; default: a folder beside the
	// state file.
	CacheDir string
	// Clock returns the current time; nil is time.Now.
	Clock func() time.Time
	// NewTimer starts a timer: its channel receives once d has passed on
	// Clock's time, unless stop is called first; nil uses time.NewTimer.
	// The pollers and environment workers wait on it, so that tests can
	// run the daemon on a simulated clock.
	NewTimer func(d time.Duration) (c <-chan time.Time, stop func())
	// Version is reported by sluice_build_info.
	Version string
	// Redactor masks secret values in what the daemon serves; the
	// daemon sets the values it holds on every configuration applied.
	// Pass the same to the backends that store what steps print. Nil:
	// the daemon makes its own.
	Redactor *redact.Redactor
	// Environ returns the process environment, whose secret-looking
	// variables are redacted too; nil is os.Environ.
	Environ func() []string
	// Runs is the run store the API's runs are served from (the same
	// the backends record in); runs older than the configuration's
	// runs.retention are deleted from it hourly. Nil: the API lists only
	// the runs this process started, from memory.
	Runs sluice.RunStore
	// Ingest, with Runs, records the runs of the AWS environments in
	// Runs, whoever started them: from each environment's run events
	// queue and a periodic listing of its state machines' executions.
	// Nil: AWS runs are not recorded.
	Ingest IngestConnector
	// Logs reads the step logs of AWS environments' runs from
	// CloudWatch Logs; nil: the API serves only local backends' logs.
	Logs LogConnector
	// IngestInterval is the time between two catch-up listings of an
	// environment's executions (0: ingest.DefaultInterval).
	IngestInterval time.Duration
	// ShutdownGrace is how long a shutdown lets reconciles in flight
	// finish before cancelling them (the journal makes a cancelled apply
	// safe to resume); default 30 s.
	ShutdownGrace time.Duration
}

// Daemon watches the configured repositories and reconciles their
// environments.
type Daemon struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics.Metrics
	store   *statestore.Store
	hooks   *webhook.Handler
	redact  *redact.Redactor
	// access is who may call what under the configuration applied.
	access atomic.Pointer[access]
	// answers keeps the encoded status answers between changes.
	answers answerCache

	mu    sync.RWMutex
	cfg   *config.Config
	repos map[string]*repoWatcher
	envs  map[string]*envWorker
	order []string
	// started holds a stop channel per running repository poller and
	// environment worker.
	started map[any]*running
	// pages are the web pages' templates; broker feeds their event
	// streams.
	pages  map[string]*template.Template
	broker *broker
	// feeds share the reads of the runs pages follow.
	feeds *runFeeds
	// logFeeds share the reads of the step logs pages follow.
	logFeeds *logFeeds
	// trim returns the memory a reconcile left free once the
	// environments are quiet.
	trim *memoryTrimmer
	// logs are the AWS environments' log readers.
	logs logReaders
	wg   sync.WaitGroup
	work context.Context
	// claims serialises the project claims of environments whose names
	// clash (claimProject).
	claims sync.Mutex
}

// New opens the state file (failing when another process holds it),
// the Git caches and the metrics. It connects to nothing yet: Run does.
func New(ctx context.Context, opts Options) (*Daemon, error) {
	if opts.Config == nil || opts.Connect == nil {
		return nil, errors.New("daemon: Options.Config and Options.Connect are required")
	}
	opts = withDefaults(opts)
	m, err := metrics.New(opts.Registry)
	if err != nil {
		return nil, err
	}
	m.SetBuildInfo(opts.Version)
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(opts.Config.StateFile), 0o700); err != nil {
		return nil, err
	}
	store, err := statestore.Open(opts.Config.StateFile, statestore.Options{HistoryDepth: opts.Config.HistoryDepth})
	if err != nil {
		return nil, err
	}
	d := &Daemon{opts: opts, log: opts.Logger, metrics: m, store: store, repos: map[string]*repoWatcher{}, envs: map[string]*envWorker{},
		started: map[any]*running{}, pages: pages, redact: opts.Redactor, broker: newBroker()}
	d.feeds = newRunFeeds(opts.NewTimer, opts.Clock, d.workContext)
	d.logFeeds = newLogFeeds(opts.NewTimer, opts.Clock, d.workContext)
	// The trimmer waits on the system's clock, not Options.Clock: when to
	// return memory is no part of what the daemon does on its time.
	d.trim = newMemoryTrimmer(clock{now: time.Now, timer: realTimer})
	if d.hooks, err = webhook.New(webhook.Options{Notify: d.webhookEvent, Observe: m.Webhook, Logger: opts.Logger, Clock: opts.Clock}); err != nil {
		return nil, errors.Join(err, store.Close())
	}
	if err := d.settleStateKeys(opts.Config); err != nil {
		return nil, errors.Join(err, store.Close())
	}
	if err := d.apply(ctx, opts.Config); err != nil {
		return nil, errors.Join(err, store.Close())
	}
	m.ConfigReloaded(true, opts.Config.Hash(), opts.Clock())
	return d, nil
}

func withDefaults(o Options) Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Redactor == nil {
		o.Redactor = redact.New()
	}
	// Every line the daemon logs has the secrets it knows masked.
	o.Logger = slog.New(redact.NewHandler(o.Logger.Handler(), o.Redactor))
	if o.Environ == nil {
		o.Environ = os.Environ
	}
	if o.NewTimer == nil {
		o.NewTimer = realTimer
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 30 * time.Second
	}
	if o.CacheDir == "" {
		o.CacheDir = o.Config.StateFile + ".git"
	}
	return o
}

// apply builds the repositories and environments cfg names: those
// already running with the same configuration are kept, the rest made.
func (d *Daemon) apply(ctx context.Context, cfg *config.Config) error {
	acc, tokens, err := newAccess(cfg)
	if err != nil {
		return err
	}
	secrets, err := localSecrets(cfg)
	if err != nil {
		return err
	}
	repos := map[string]*repoWatcher{}
	envs := map[string]*envWorker{}
	watched := map[*repoWatcher][]*envWorker{}
	var order []string
	for _, rc := range cfg.Repositories {
		r, err := d.repoFor(ctx, rc)
		if err != nil {
			return fmt.Errorf("repository %s: %w", rc.Name, err)
		}
		repos[rc.Name] = r
		var workers []*envWorker
		for _, ec := range rc.Environments {
			w := d.envFor(ec, r, secrets[ec.ID()])
			envs[ec.ID()] = w
			workers = append(workers, w)
			order = append(order, ec.ID())
		}
		watched[r] = workers
	}
	sources, err := webhookSources(cfg)
	if err != nil {
		return err
	}
	if err := d.hooks.SetSources(sources); err != nil {
		return err
	}
	for r, workers := range watched {
		r.setEnvs(workers)
	}
	d.mu.Lock()
	for name := range d.envs {
		if envs[name] == nil {
			d.metrics.ForgetEnvironment(name)
		}
	}
	d.cfg, d.repos, d.envs, d.order = cfg, repos, envs, order
	d.mu.Unlock()
	d.setSecrets(cfg, acc, tokens)
	return nil
}

// repoFor returns the running watcher of rc when its configuration is
// unchanged, else a new one.
func (d *Daemon) repoFor(ctx context.Context, rc config.Repository) (*repoWatcher, error) {
	d.mu.RLock()
	old := d.repos[rc.Name]
	d.mu.RUnlock()
	if old != nil && sameRepo(old.cfg, rc) {
		return old, nil
	}
	return openRepo(ctx, rc, d.opts.CacheDir, d.log.With("repository", rc.Name), d.metrics, d.clock())
}

// sameRepo reports whether a watcher of a can serve b: the same remote,
// credentials, folder, poll interval and branches (webhook secrets and
// environment settings may differ).
func sameRepo(a, b config.Repository) bool {
	return a.URL == b.URL && a.Path == b.Path && reflect.DeepEqual(a.Auth, b.Auth) &&
		a.PollInterval == b.PollInterval && slices.Equal(branchesOf(a), branchesOf(b))
}

func branchesOf(r config.Repository) []string {
	var out []string
	for _, e := range r.Environments {
		out = append(out, e.Branch)
	}
	return out
}

// envFor returns the running worker of ec when its configuration, the
// values of its secrets and its repository are unchanged, else a new
// one, which connects to its backends again.
func (d *Daemon) envFor(ec config.Environment, r *repoWatcher, secrets string) (w *envWorker) {
	d.mu.RLock()
	old := d.envs[ec.ID()]
	d.mu.RUnlock()
	same := old != nil && reflect.DeepEqual(old.cfg, ec) && old.secrets == secrets
	if same && old.repo == r {
		return old
	}
	if same {
		// Same environment, new watcher (the repository's branches
		// changed): carry its state over rather than start unknown.
		defer func() { w.inherit(old) }()
	}
	roll := &rollout.Env{Name: ec.Name, StateKey: ec.ID(), Store: d.store, Workers: 16, Local: ec.Backend == config.BackendLocal,
		Connect: func(ctx context.Context) (*rollout.Target, error) { return d.opts.Connect(ctx, ec, d.metrics) },
		Notice:  func(msg string) { d.log.Info(msg, "env", ec.ID()) }}
	w = newEnvWorker(ec, r, d.store, roll, d.log, d.metrics, d.clock())
	w.changed = func(kind, env string) {
		d.broker.publish(kind, env)
		d.trim.kick()
	}
	w.claimProject = func(project string) error { return d.claimProject(w, project) }
	w.secrets = secrets
	return w
}

// clock is the daemon's time: the current time and timers.
type clock struct {
	now   func() time.Time
	timer func(time.Duration) (<-chan time.Time, func())
}

func (d *Daemon) clock() clock { return clock{now: d.opts.Clock, timer: d.opts.NewTimer} }

// realTimer is a timer on the system's clock.
func realTimer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}

// inherit takes over old's status, progress and runs.
func (w *envWorker) inherit(old *envWorker) {
	old.mu.Lock()
	status, done, seen, desired, runs, drift := old.status, old.done, old.seenHead, old.desired, maps.Clone(old.runs), old.nextDrift
	backoff, notBefore, tried, retry, failing, lost := old.backoff, old.notBefore, old.tried, old.retry, old.failing, old.headLost
	saved := old.savedSuccess
	old.mu.Unlock()
	w.mu.Lock()
	w.status, w.done, w.seenHead, w.desired, w.runs, w.nextDrift = status, done, seen, desired, runs, drift
	// The backoff carries over too: a reload does not restart a failing
	// environment's retries from 750 ms.
	w.backoff, w.notBefore, w.tried, w.retry, w.failing, w.headLost = backoff, notBefore, tried, retry, failing, lost
	w.savedSuccess = saved
	w.loaded = true
	w.mu.Unlock()
}

// webhookSources reads the webhook secrets of every repository.
func webhookSources(cfg *config.Config) ([]webhook.Source, error) {
	var out []webhook.Source
	for _, r := range cfg.Repositories {
		for provider, s := range map[string]*config.Secret{"github": r.Webhooks.GitHub, "gitlab": r.Webhooks.GitLab, "generic": r.Webhooks.Generic} {
			if s == nil {
				continue
			}
			secret, err := s.Read()
			if err != nil {
				return nil, fmt.Errorf("repository %s: %s webhook secret: %w", r.Name, provider, err)
			}
			out = append(out, webhook.Source{Repository: r.Name, Provider: provider, Secret: secret})
		}
	}
	return out, nil
}

// webhookEvent wakes the repository's poller: what is deployed is
// always what the daemon fetches itself.
func (d *Daemon) webhookEvent(e webhook.Event) {
	d.mu.RLock()
	r := d.repos[e.Repository]
	d.mu.RUnlock()
	if r != nil {
		r.wake()
	}
}

// Close releases the state file.
func (d *Daemon) Close() error { return d.store.Close() }
