package daemon

import (
	"context"
	"time"

	"github.com/sluice-dev/sluice/daemon/config"
)

// running is a started poller or worker.
type running struct {
	stop chan struct{}
	done chan struct{}
}

// Run starts every repository poller and environment worker and blocks
// until ctx ends. Then it lets reconciles in flight finish for up to
// Options.ShutdownGrace before cancelling them, and returns when all
// have stopped. The state file stays open: Close releases it.
func (d *Daemon) Run(ctx context.Context) error {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	d.mu.Lock()
	d.work = work
	d.mu.Unlock()
	d.startAll()
	go d.pruneRuns(work)
	go d.trim.run(work)
	<-ctx.Done()
	d.mu.Lock()
	d.work = nil // a reload racing the shutdown starts nothing
	d.mu.Unlock()
	d.stopAll(nil)
	finished := make(chan struct{})
	go func() { d.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(d.opts.ShutdownGrace):
		d.log.Warn("shutdown: cancelling reconciles still in flight; the journal resumes them at the next start")
		cancel()
		<-finished
	}
	return nil
}

// Reload replaces the configuration: environments and repositories whose
// configuration is unchanged keep running (and their status); changed
// ones finish their reconcile in flight and are replaced; removed ones
// stop. A configuration that fails to apply leaves the old one running.
func (d *Daemon) Reload(ctx context.Context, cfg *config.Config) error {
	if err := d.apply(ctx, cfg); err != nil {
		d.metrics.ConfigReloaded(false, cfg.Hash(), d.opts.Clock())
		return err
	}
	d.metrics.ConfigReloaded(true, cfg.Hash(), d.opts.Clock())
	keep := map[any]bool{}
	d.mu.RLock()
	for _, r := range d.repos {
		keep[r] = true
	}
	for _, w := range d.envs {
		keep[w] = true
		keep[ingestKey{w}] = true
	}
	d.mu.RUnlock()
	// Replaced workers finish their reconcile in flight before their
	// replacements start: never two applies of one environment at once.
	for _, done := range d.stopAll(keep) {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// With them stopped, state follows keys a new clash (or the end of
	// one) changed.
	if err := d.settleStateKeys(cfg); err != nil {
		return err
	}
	d.startAll()
	return nil
}

// startAll starts what is configured and not yet running.
func (d *Daemon) startAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.work == nil {
		return
	}
	for _, name := range d.order {
		w := d.envs[name]
		d.start(w, w.run)
		if d.ingests(w) {
			d.start(ingestKey{w}, func(ctx context.Context, stop <-chan struct{}) { d.ingest(ctx, stop, w) })
		}
	}
	for _, r := range d.repos {
		d.start(r, r.run)
	}
}

// start runs fn in a goroutine until its stop channel closes; d.mu held.
func (d *Daemon) start(key any, fn func(ctx context.Context, stop <-chan struct{})) {
	if d.started[key] != nil {
		return
	}
	r := &running{stop: make(chan struct{}), done: make(chan struct{})}
	d.started[key] = r
	d.wg.Add(1)
	// Read under d.mu: a shutdown sets d.work to nil, maybe before the
	// goroutine runs.
	work := d.work
	go func() {
		defer d.wg.Done()
		defer close(r.done)
		fn(work, r.stop)
	}()
}

// stopAll stops what is running and not in keep (nil: everything) and
// returns the channels closed when each has stopped.
func (d *Daemon) stopAll(keep map[any]bool) []chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	var done []chan struct{}
	for key, r := range d.started {
		if keep[key] {
			continue
		}
		close(r.stop)
		done = append(done, r.done)
		delete(d.started, key)
	}
	return done
}

// workContext is the context of work that outlives a request (following
// a run): it ends when the daemon stops.
func (d *Daemon) workContext() context.Context {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.work == nil {
		return context.Background()
	}
	return d.work
}
