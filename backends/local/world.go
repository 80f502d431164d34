package local

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local/asl"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/reconcile"
)

// The identity of the local target, as ARNs and placeholders spell it.
const (
	// Partition is the partition of every local ARN.
	Partition = "aws"
	// Region is the region of every local ARN.
	Region = "local"
	// Account is the account ID of every local ARN.
	Account = "000000000000"
	// StatesRoleARN is the role ${target.stepFunctionsRoleArn} resolves
	// to locally; nothing assumes it.
	StatesRoleARN = "arn:aws:iam::000000000000:role/sluice-local-states"
	// SchedulerRoleARN is the role ${target.schedulerRoleArn} resolves
	// to locally; nothing assumes it.
	SchedulerRoleARN = "arn:aws:iam::000000000000:role/sluice-local-scheduler"
)

// Options configure a World.
type Options struct {
	// PostgresDSN names the PostgreSQL server on which MetadataStores are
	// databases ("postgres://user@host:5432/postgres", or key=value
	// form). Empty: MetadataStores are reported unavailable.
	PostgresDSN string
	// Workdir is the directory jobs run in: the repository checkout whose
	// step programs their commands name. Empty: the data directory.
	Workdir string
	// Logger receives the World's notices; nil discards them.
	Logger *slog.Logger
	// Redact, when set, masks secret values in what a step printed or
	// returned before an execution record is written or described.
	Redact func(string) string
	// Sandbox says how steps are isolated; the zero value runs each
	// under bubblewrap (sandbox.go).
	Sandbox Sandbox
	// Runs, when set, records every execution as it happens: the run
	// when it starts and ends, each step's attempts, the artifacts and
	// outputs they wrote (execution_record.go).
	Runs RunRecorder
}

// World is the local stand-in for an AWS account: the resources Sluice
// manages, kept under one data directory, and the jobs they run. It is
// safe for concurrent use within one process; two processes must not
// share a data directory.
type World struct {
	dir  string
	opts Options
	log  *slog.Logger

	// mu serialises every read-modify-write of the records.
	mu sync.Mutex
	// pools are the compute environments' vCPU slots, by name.
	pools     sync.Map
	imageOnce sync.Once
	// workdirSet is whether Options.Workdir was given (not defaulted).
	workdirSet bool
	// sandboxMu guards sandboxOK: whether a probe found that the sandbox
	// can be set up.
	sandboxMu sync.Mutex
	sandboxOK bool
	// runs are the executions this World runs (execution.go).
	runs executions
	// index is what SLUICE_RUNS is made of (runs_index.go).
	index runsIndex
}

var (
	_ asl.TaskRunner = (*World)(nil)
	_ asl.Resources  = (*World)(nil)
)

// New opens (creating it when missing) the data directory dir and
// returns its World. It fails when dir is empty or its layout cannot be
// created.
func New(dir string, opts Options) (*World, error) {
	if dir == "" {
		return nil, sluice.E("local.New", sluice.KindInvalid, errors.New("no data directory"))
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, sluice.E("local.New", sluice.KindInvalid, err)
	}
	if err := private(abs); err != nil {
		return nil, sluice.E("local.New", sluice.KindInternal, err)
	}
	for _, sub := range []string{recordsDir, bucketsDir, jobsDir} {
		if err := os.MkdirAll(filepath.Join(abs, sub), 0o700); err != nil {
			return nil, sluice.E("local.New", sluice.KindInternal, err)
		}
	}
	workdirSet := opts.Workdir != ""
	if !workdirSet {
		opts.Workdir = abs
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &World{dir: abs, opts: opts, log: logger.With("component", "local"), workdirSet: workdirSet}, nil
}

// private creates the data directory dir readable only by Sluice's
// user (0700), and takes group and other permissions away from one that
// exists: job logs, records and what steps write in buckets are for
// Sluice's user alone.
func private(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return os.Chmod(dir, fi.Mode().Perm()&0o700)
	}
	return nil
}

// Dir returns the absolute path of the data directory.
func (w *World) Dir() string { return w.dir }

// BucketDir returns the directory holding the objects of bucket name.
func (w *World) BucketDir(name string) string { return filepath.Join(w.dir, bucketsDir, name) }

// Backends returns a backend per resource type the compiler emits, keyed
// as the reconcile.Applier expects them. Each also has a Discover method
// listing the records Sluice owns for a project and environment.
func (w *World) Backends() map[sluice.ResourceType]reconcile.Backend {
	return map[sluice.ResourceType]reconcile.Backend{
		sluice.TypeBucket:             newBuckets(w),
		sluice.TypeComputeEnvironment: newComputeEnvironments(w),
		sluice.TypeJobQueue:           newJobQueues(w),
		sluice.TypeJobDefinition:      newJobDefinitions(w),
		sluice.TypeStateMachine:       newStateMachines(w),
		sluice.TypeSchedule:           newSchedules(w),
		sluice.TypeDBInstance:         newDBInstances(w),
	}
}

// Vars returns the placeholder values of the local target: partition
// aws, region local, account 000000000000 and the fixed local role ARNs.
func (w *World) Vars() map[string]string {
	return map[string]string{
		compile.PlaceholderPartition:     Partition,
		compile.PlaceholderRegion:        Region,
		compile.PlaceholderAccount:       Account,
		compile.PlaceholderStatesRole:    StatesRoleARN,
		compile.PlaceholderSchedulerRole: SchedulerRoleARN,
	}
}

// arn builds the ARN of a local resource of service, resource part rest.
func arn(service, rest string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", Partition, service, Region, Account, rest)
}
