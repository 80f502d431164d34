package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/rollout"
)

// Backends plan, apply and run act on.
const (
	backendAWS   = "aws"
	backendLocal = "local"
)

// backendOptions choose the backend of plan, apply and run: AWS, or the
// local backend in a data directory, which needs no AWS account and no
// daemon.
type backendOptions struct {
	backend string
	dir     string
	pgDSN   string
	noBox   bool
	// world is the local world opened for the command, closed by close.
	world *local.World
}

func (o *backendOptions) flags(cmd *cobra.Command) {
	cmd.Flags().Var(&choiceValue{dst: &o.backend, allowed: []string{backendAWS, backendLocal}, what: "backend"}, "backend",
		"`BACKEND`: aws, or local (pipelines run as local processes, buckets are folders under --local-dir)")
	o.backend = backendAWS
	cmd.Flags().Lookup("backend").DefValue = backendAWS
	cmd.Flags().StringVar(&o.dir, "local-dir", "", "with --backend local, the data `DIR` (default $XDG_STATE_HOME/sluice/local/PROJECT)")
	// The DSN may hold a password: the environment's value is read when
	// used, never shown as the flag's default in help.
	cmd.Flags().StringVar(&o.pgDSN, "postgres-dsn", "",
		"with --backend local, the PostgreSQL `DSN` on which MetadataStores become databases (default $SLUICE_PG_DSN); without one they are held")
	cmd.Flags().BoolVar(&o.noBox, "no-sandbox", false, "with --backend local, run steps without the bubblewrap sandbox")
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error { return o.checkScope(cmd) }
}

// awsOnlyFlags and localOnlyFlags are the flags that mean something on
// one backend only.
func awsOnlyFlags() []string {
	return []string{"region", "role-arn", "endpoint-url", "states-role-arn", "scheduler-role-arn", "s3-path-style", "aws-quota", "protected"}
}

func localOnlyFlags() []string { return []string{"local-dir", "postgres-dsn", "no-sandbox"} }

// checkScope refuses a flag given on the command line that the chosen
// backend would ignore, such as --aws-quota with --backend local, rather
// than let it look as if it did something.
func (o *backendOptions) checkScope(cmd *cobra.Command) error {
	other, scoped := backendLocal, localOnlyFlags()
	if o.local() {
		other, scoped = backendAWS, awsOnlyFlags()
	}
	var given []string
	for _, name := range scoped {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			given = append(given, "--"+name)
		}
	}
	if len(given) == 0 {
		return nil
	}
	return fmt.Errorf("%s only with --backend %s (this command uses --backend %s): leave %s out, or choose --backend %s",
		strings.Join(given, ", "), other, o.backend, pronoun(len(given)), other)
}

// pronoun is "it" or "them".
func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// dsn is the PostgreSQL DSN given by --postgres-dsn or SLUICE_PG_DSN.
func (o *backendOptions) dsn() string {
	if o.pgDSN != "" {
		return o.pgDSN
	}
	return os.Getenv("SLUICE_PG_DSN")
}

// local reports whether the local backend was chosen.
func (o *backendOptions) local() bool { return o.backend == backendLocal }

// dataDir is the local backend's data directory for project.
func (o *backendOptions) dataDir(project string) (string, error) {
	if o.dir != "" {
		return filepath.Abs(o.dir)
	}
	home, err := stateHome()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "sluice", "local", project), nil
}

// localState is the default state file of the local backend: inside its
// data directory, never the AWS state file of the same project.
func (o *backendOptions) localState(project string) (string, error) {
	dir, err := o.dataDir(project)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "state.db"), nil
}

// connect opens the local world of project with its jobs running in
// workdir, as a rollout target.
func (o *backendOptions) connect(project, workdir string) (*rollout.Target, error) {
	dir, err := o.dataDir(project)
	if err != nil {
		return nil, err
	}
	w, err := local.New(dir, local.Options{Workdir: workdir, PostgresDSN: o.dsn(), Sandbox: local.Sandbox{Off: o.noBox}})
	if err != nil {
		return nil, err
	}
	o.world = w
	return &rollout.Target{Backends: w.Backends(), Vars: w.Vars(), Runner: w}, nil
}

// close stops the local world's runs, if one was opened.
func (o *backendOptions) close() error {
	if o.world == nil {
		return nil
	}
	return o.world.Close()
}

// checkoutDir is where apply keeps the files an environment was deployed
// from, and where its steps run.
func (o *backendOptions) checkoutDir(project, env string) (string, error) {
	dir, err := o.dataDir(project)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "checkouts", env), nil
}

// stateHome is the user's state directory: $XDG_STATE_HOME, or
// ~/.local/state.
func stateHome() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no --state given and no home directory to keep state in: %w", err)
	}
	return filepath.Join(home, ".local", "state"), nil
}

// choiceValue is a flag's value: one of allowed, refused when parsed.
type choiceValue struct {
	dst     *string
	allowed []string
	what    string
}

func (v *choiceValue) String() string { return *v.dst }
func (v *choiceValue) Type() string   { return "string" }

// Set accepts one of the allowed values.
func (v *choiceValue) Set(s string) error {
	for _, a := range v.allowed {
		if a == s {
			*v.dst = s
			return nil
		}
	}
	return fmt.Errorf("unknown %s %q; use %s", v.what, s, orList(v.allowed))
}

// holdDatabases, on the local backend without a PostgreSQL server,
// takes the databases (MetadataStores) out of what is applied and holds
// their documents, saying how to give the backend a server: the local
// backend never fakes a database, and the rest of the environment
// deploys and runs without one. A database applied before stays as it is.
func (o *backendOptions) holdDatabases(d *rollout.Desired, notice func(string)) {
	if !o.local() || o.dsn() != "" {
		return
	}
	kept := d.Resources[:0]
	for _, r := range d.Resources {
		if r.Type != sluice.TypeDBInstance {
			kept = append(kept, r)
			continue
		}
		d.Held[r.Source] = true
		notice(fmt.Sprintf("%s held: the local backend makes MetadataStores as databases on a PostgreSQL server, and none is given; "+
			"pass --postgres-dsn postgres://USER@HOST:5432/postgres (or set SLUICE_PG_DSN) to create it", r.ID))
	}
	d.Resources = kept
}
