package daemon

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/statestore"
)

// msgStateLeft is logged when an environment's key becomes qualified and
// the state under its short name cannot be told to be its own.
const msgStateLeft = "state under the short name left in place"

// ErrAmbiguous is returned for an environment's short name that several
// repositories use; the error lists the qualified names (REPO/ENV) to
// use instead. The API answers it with 400.
var ErrAmbiguous = errors.New("ambiguous")

// resolveEnv returns the key of the environment name designates: its
// qualified name REPO/ENV, its key, or its short name ENV when a single
// repository has an environment of that name. It fails with ErrAmbiguous
// listing the qualified names when several do, and with ErrNotFound when
// none does. Every lookup of an environment by name, from the API and
// the web pages, goes through it.
func (d *Daemon) resolveEnv(name string) (string, error) {
	d.mu.RLock()
	cfg := d.cfg
	d.mu.RUnlock()
	e, err := cfg.Resolve(name)
	switch {
	case errors.Is(err, config.ErrAmbiguousEnvironment):
		return "", fmt.Errorf("%w: %w", ErrAmbiguous, err)
	case err != nil:
		return "", fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return e.ID(), nil
}

// env returns the worker of the environment name designates (see
// resolveEnv).
func (d *Daemon) env(name string) (*envWorker, error) {
	key, err := d.resolveEnv(name)
	if err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	w := d.envs[key]
	if w == nil {
		return nil, fmt.Errorf("%w: environment %q; configured: %v", ErrNotFound, name, d.order)
	}
	return w, nil
}

// canonicalEnv rewrites the {env} of a request's path to the key of the
// environment it designates, so that every handler, and what it logs,
// counts and echoes, speaks of the environment by one name. A name that
// does not resolve is left as it is: the handler's lookup reports it.
func (d *Daemon) canonicalEnv(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name := r.PathValue("env"); name != "" {
			if key, err := d.resolveEnv(name); err == nil && key != name {
				r.SetPathValue("env", key)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// key is the name the daemon knows the worker's environment by: its
// state's key, its metrics' environment label, its API path.
func (w *envWorker) key() string { return w.cfg.ID() }

// settleStateKeys makes the state of each environment of cfg follow its
// key. An environment's state is kept under its key: its name, or its
// qualified name (REPO/ENV) while another repository has an environment
// of that name. When a second repository's environment comes to share
// the name, the first one's state moves from ENV to REPO/ENV if the
// state records that repository as its owner (recorded here for every
// environment with state), and back to ENV when the clash ends. State
// whose owner is not recorded stays where it is, with a warning: moving
// it to the wrong repository would make that repository prune the
// other's resources. Run it while no worker runs.
func (d *Daemon) settleStateKeys(cfg *config.Config) error {
	return d.store.Update(func(tx *statestore.Tx) error {
		for _, e := range cfg.Environments() {
			if err := d.settleStateKey(tx, e); err != nil {
				return fmt.Errorf("environment %s: %w", e.Qualified(), err)
			}
		}
		return nil
	})
}

func (d *Daemon) settleStateKey(tx *statestore.Tx, e *config.Environment) error {
	key, other := e.ID(), e.Qualified()
	if key == other {
		other = e.Name
	}
	has, err := tx.HasEnvironment(key)
	if err != nil {
		return err
	}
	if !has {
		moved, err := d.moveState(tx, e, other, key)
		if err != nil || !moved {
			return err
		}
	}
	m, err := tx.Meta(key)
	if err != nil || m.Repository == e.Repository {
		return err
	}
	if m.Repository != "" {
		d.log.Info("state of a renamed repository's environment taken over", "env", key, "was", m.Repository, "repository", e.Repository)
	}
	m.Repository = e.Repository
	return tx.PutMeta(key, m)
}

// moveState moves the state under from to key when it is e's: a
// qualified name is its repository's by its name, a short name by the
// owner its meta records. It reports whether it moved anything.
func (d *Daemon) moveState(tx *statestore.Tx, e *config.Environment, from, key string) (bool, error) {
	has, err := tx.HasEnvironment(from)
	if err != nil || !has {
		return false, err
	}
	m, err := tx.Meta(from)
	if err != nil {
		return false, err
	}
	if from == e.Name && m.Repository != e.Repository {
		if m.Repository == "" {
			d.log.Warn(msgStateLeft, "env", key, "state", from,
				"why", "the repository it belongs to is not recorded; its inventory is rebuilt from ownership tags")
		}
		return false, nil
	}
	d.log.Info("environment state moved to its key", "env", key, "from", from)
	return true, tx.RenameEnvironment(from, key)
}

// runsOf returns how the run store names w's runs: the environment's own
// name and, when another repository has an environment of that name,
// its project (runs record both; projects of one environment name are
// distinct, see claimProject). It fails with ErrConflict while the
// project of a clashing environment is not known yet.
func (d *Daemon) runsOf(w *envWorker) (env, project string, err error) {
	d.mu.RLock()
	clash := d.cfg.Clashes(&w.cfg)
	d.mu.RUnlock()
	if !clash {
		return w.cfg.Name, "", nil
	}
	if project = w.project(); project == "" {
		return "", "", fmt.Errorf("%w: the runs of %s cannot be told from those of the other repositories' %s until its project is loaded",
			ErrConflict, w.key(), w.cfg.Name)
	}
	return w.cfg.Name, project, nil
}

// project returns the name of the project last loaded for w; empty
// before one is.
func (w *envWorker) project() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.desired == nil || w.desired.Snapshot == nil || w.desired.Snapshot.Project == nil {
		return ""
	}
	return w.desired.Project()
}

// claimProject records that w is about to plan project and fails when
// another repository's environment of w's name has claimed the same
// project: both would compile the same resource names and ownership
// tags (PROJECT-ENV-..., sluice.dev/project and sluice.dev/environment)
// and take each other's resources. Two repositories may share an
// environment name only with distinct projects. Claims are made under
// one lock, so of two environments loaded at once the second stalls, and
// the first stalls at its next reconcile.
func (d *Daemon) claimProject(w *envWorker, project string) error {
	d.claims.Lock()
	defer d.claims.Unlock()
	w.claimed = project
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, key := range d.order {
		o := d.envs[key]
		if o == w || o.cfg.Name != w.cfg.Name {
			continue
		}
		claimed := o.claimed
		if claimed == "" {
			// Not loaded yet (starting, suspended, failing to fetch): what
			// it applied before says which project it deploys.
			claimed = d.recordedProject(o.key())
		}
		if claimed == project {
			repos := []string{o.cfg.Repository, w.cfg.Repository}
			slices.Sort(repos)
			return fmt.Errorf("repositories %s and %s both deploy project %s as environment %s: their resources would have "+
				"the same names and ownership tags; give one project another name (metadata.name in its sluice.yaml)",
				repos[0], repos[1], project, w.cfg.Name)
		}
	}
	return nil
}

// recordedProject returns the project of the resources last applied to
// the environment under key, from their ownership tags; empty when it
// has applied nothing or its state cannot be read.
func (d *Daemon) recordedProject(key string) string {
	recs, err := d.inventory(key)
	if err != nil {
		return ""
	}
	for _, r := range recs {
		if p := r.Tags[sluice.TagProject]; p != "" {
			return p
		}
	}
	return ""
}
