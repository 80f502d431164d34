package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awsscheduler "github.com/aws/aws-sdk-go-v2/service/scheduler"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/batch"
	"github.com/sluice-dev/sluice/backends/aws/events"
	"github.com/sluice-dev/sluice/backends/aws/rds"
	"github.com/sluice-dev/sluice/backends/aws/s3"
	"github.com/sluice-dev/sluice/backends/aws/scheduler"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sqs"
	"github.com/sluice-dev/sluice/backends/aws/tagging"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/reconcile"
)

// awsOptions say how the CLI reaches an environment's AWS account. With
// none set, the standard AWS environment (AWS_REGION, AWS_PROFILE,
// AWS_ENDPOINT_URL, ...) decides, so plan and apply run in any CI job.
type awsOptions struct {
	region, role, endpoint    string
	statesRole, schedulerRole string
	pathStyle                 bool
	// protected defers disruptive database changes to the maintenance
	// window, as an environment marked protected does in the daemon.
	protected bool
	// quotas override the client's per-operation quotas
	// (awsapi.DefaultRates), for accounts whose quotas were raised.
	quotas []string
}

func (o *awsOptions) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.region, "region", "", "AWS `REGION` (default: the standard AWS configuration)")
	cmd.Flags().StringVar(&o.role, "role-arn", "", "`ARN` of a role to assume for the environment")
	cmd.Flags().StringVar(&o.endpoint, "endpoint-url", "", "`URL` of an AWS API endpoint, such as an emulator (AWS_ENDPOINT_URL works too)")
	cmd.Flags().StringVar(&o.statesRole, "states-role-arn", os.Getenv("SLUICE_STATES_ROLE_ARN"),
		"`ARN` of the role Step Functions runs pipelines with (SLUICE_STATES_ROLE_ARN)")
	cmd.Flags().StringVar(&o.schedulerRole, "scheduler-role-arn", os.Getenv("SLUICE_SCHEDULER_ROLE_ARN"),
		"`ARN` of the role EventBridge Scheduler starts pipelines with (SLUICE_SCHEDULER_ROLE_ARN)")
	cmd.Flags().BoolVar(&o.protected, "protected", envBool(os.Getenv("SLUICE_PROTECTED")),
		"treat the environment as protected: changes that restart a database (instance class, engine version) wait for its maintenance window instead of applying at once (SLUICE_PROTECTED=true)")
	cmd.Flags().BoolVar(&o.pathStyle, "s3-path-style", os.Getenv("AWS_ENDPOINT_URL") != "", "address S3 buckets by path (emulators need it)")
	cmd.Flags().StringArrayVar(&o.quotas, "aws-quota", envList(os.Getenv("SLUICE_AWS_QUOTAS")),
		"an AWS API `QUOTA` the client keeps to instead of AWS's default, SERVICE.OPERATION=PERSECOND[/BURST] (e.g. SFN.CreateStateMachine=2/150), for an account whose quotas were raised; repeatable (SLUICE_AWS_QUOTAS: comma-separated)")
}

// envList splits a comma-separated environment value, "" being none.
func envList(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// envBool reads a boolean environment value: "1", "true", "yes" (any
// case) are true, anything else false.
func envBool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// awsEnv is a connected environment: a backend per resource type, the
// placeholder values of its target and the counter of its AWS calls.
type awsEnv struct {
	backends map[sluice.ResourceType]reconcile.Backend
	vars     map[string]string
	calls    *awsapi.Counter
	// cfg is the loaded configuration, for clients beyond the backends'.
	cfg aws.Config
	// runner starts and follows pipeline runs.
	runner sluice.Runner
	// objects reads what runs wrote to the environment's buckets.
	objects *s3.Objects
	// tagging reads state machines and buckets in bulk through the
	// Resource Groups Tagging API; nil when it is not reachable.
	tagging *tagging.Discoverer
}

// connect loads the AWS configuration and builds the backends.
func (o *awsOptions) connect(ctx context.Context, env string) (*awsEnv, error) {
	calls := &awsapi.Counter{}
	quotas, err := awsapi.ParseRates(o.quotas)
	if err != nil {
		return nil, err
	}
	return connectAWS(ctx, o.targetFor(env), calls, awsapi.WithRecorder(calls), awsapi.WithLimiter(awsapi.NewLimiter(quotas)))
}

// targetFor is what connecting env to AWS needs, from the flags.
func (o *awsOptions) targetFor(env string) awsTarget {
	return awsTarget{
		Target:    awsapi.Target{Region: o.region, RoleARN: o.role, Endpoint: o.endpoint},
		env:       env,
		protected: o.protected,
		roles:     roles{states: o.statesRole, scheduler: o.schedulerRole},
		pathStyle: o.pathStyle,
	}
}

// awsTarget is everything connecting an environment to AWS needs.
type awsTarget struct {
	awsapi.Target
	env string
	// protected defers changes that restart a database to its
	// maintenance window (rds.Options.DeferDisruptive); the
	// environment's name plays no part.
	protected bool
	roles     roles
	pathStyle bool
}

// roles are the IAM roles the compiled resources reference.
type roles struct{ states, scheduler string }

// connectAWS loads the AWS configuration of t, asks STS who it is, and
// builds the backends; calls is the counter the caller installed with
// opts (reported by the CLI).
func connectAWS(ctx context.Context, t awsTarget, calls *awsapi.Counter, opts ...awsapi.Option) (*awsEnv, error) {
	cfg, err := awsapi.LoadConfig(ctx, t.Target, opts...)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: set AWS_REGION or --region")
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("who am I in AWS (sts:GetCallerIdentity): %w", err)
	}
	partition := partitionOf(aws.ToString(id.Arn))
	vars := map[string]string{
		compile.PlaceholderPartition: partition,
		compile.PlaceholderRegion:    cfg.Region,
		compile.PlaceholderAccount:   aws.ToString(id.Account),
	}
	if t.roles.states != "" {
		vars[compile.PlaceholderStatesRole] = t.roles.states
	}
	if t.roles.scheduler != "" {
		vars[compile.PlaceholderSchedulerRole] = t.roles.scheduler
	}
	states := awssfn.NewFromConfig(cfg)
	var tags *tagging.Discoverer
	if useTagging(t.Endpoint, os.Getenv) {
		tags = tagging.New(rgt.NewFromConfig(cfg), tagging.TypeStateMachine, tagging.TypeBucket)
	}
	backends := awsBackends(cfg, t, states, sfn.Options{Partition: partition, Region: cfg.Region, Account: aws.ToString(id.Account)}, tags)
	if err := reconcile.CheckBackends(backends, false); err != nil {
		return nil, err
	}
	objects := s3.NewObjects(awss3.NewFromConfig(cfg, func(so *awss3.Options) { so.UsePathStyle = t.pathStyle }))
	return &awsEnv{backends: backends, vars: vars, calls: calls, cfg: cfg, runner: sfn.NewExecutions(states), tagging: tags, objects: objects}, nil
}

// awsBackends returns the AWS backend of every resource type: Step
// Functions, EventBridge Scheduler, S3, RDS, SQS and EventBridge (the
// run events' queue and rule), and one Batch backend for
// compute environments, job queues and job definitions. tags, when not
// nil, reads state machines' tags in bulk.
func awsBackends(cfg aws.Config, t awsTarget, states *awssfn.Client, smOpts sfn.Options, tags *tagging.Discoverer) map[sluice.ResourceType]reconcile.Backend {
	if tags != nil {
		smOpts.Tags = tags
	}
	s3client := awss3.NewFromConfig(cfg, func(so *awss3.Options) { so.UsePathStyle = t.pathStyle })
	backends := map[sluice.ResourceType]reconcile.Backend{
		sluice.TypeStateMachine: sfn.New(states, smOpts),
		sluice.TypeSchedule:     scheduler.New(awsscheduler.NewFromConfig(cfg)),
		sluice.TypeBucket:       s3.New(s3client, cfg.Region),
		sluice.TypeDBInstance:   rds.New(awsrds.NewFromConfig(cfg), rds.Options{DeferDisruptive: t.protected}),
		sluice.TypeEventQueue:   sqs.New(awssqs.NewFromConfig(cfg)),
		sluice.TypeEventRule:    events.New(eventbridge.NewFromConfig(cfg)),
	}
	b := batch.New(awsbatch.NewFromConfig(cfg), batch.Options{})
	for _, typ := range []sluice.ResourceType{sluice.TypeComputeEnvironment, sluice.TypeJobQueue, sluice.TypeJobDefinition} {
		backends[typ] = b
	}
	return backends
}

// partitionOf reads the partition from an ARN ("arn:aws-cn:..."),
// defaulting to aws.
func partitionOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) > 2 && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}
