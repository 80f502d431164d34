package rds

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// Client is the subset of the RDS API the backend calls; *rds.Client
// implements it.
type Client interface {
	DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	CreateDBInstance(ctx context.Context, in *rds.CreateDBInstanceInput, optFns ...func(*rds.Options)) (*rds.CreateDBInstanceOutput, error)
	ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, optFns ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error)
	DeleteDBInstance(ctx context.Context, in *rds.DeleteDBInstanceInput, optFns ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error)
	AddTagsToResource(ctx context.Context, in *rds.AddTagsToResourceInput, optFns ...func(*rds.Options)) (*rds.AddTagsToResourceOutput, error)
	RemoveTagsFromResource(ctx context.Context, in *rds.RemoveTagsFromResourceInput, optFns ...func(*rds.Options)) (*rds.RemoveTagsFromResourceOutput, error)
}

// DefaultPoll is the delay of the waiting errors the backend returns
// while an instance is busy, when Options.Poll is zero.
const DefaultPoll = 30 * time.Second

// Options tune a Backend.
type Options struct {
	// DeferDisruptive defers a change of instance class or engine version
	// (which restarts the database) to the maintenance window. Set it for
	// production environments.
	DeferDisruptive bool
	// Poll is the delay of waiting errors; DefaultPoll when zero.
	Poll time.Duration
	// Now is the clock that names final snapshots; time.Now when nil.
	Now func() time.Time
}

// Backend manages DBInstance resources.
type Backend struct {
	client Client
	opts   Options
}

var _ reconcile.Backend = (*Backend)(nil)

// New returns a Backend that calls client.
func New(client Client, opts Options) *Backend {
	if opts.Poll == 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Backend{client: client, opts: opts}
}

// op names an operation on a target in errors: "rds.Create: DBInstance/x".
func op(name string, t sluice.Target) string { return "rds." + name + ": " + string(t.ID) }
