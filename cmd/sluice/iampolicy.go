package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/reconcile"
)

type iamPolicyOptions struct {
	env, format                string
	partition, region, account string
	statesRole, schedulerRole  string
	revision, state            string
}

func newIAMPolicyCmd(g *globalOptions) *cobra.Command {
	o := &iamPolicyOptions{}
	cmd := &cobra.Command{
		Use:   "iam-policy --env ENV",
		Short: "Print the least-privilege IAM policy that applying an environment needs",
		Long: `IAM-policy compiles the repository for one environment and prints the IAM
policy document the identity running "sluice apply" there needs: only the
actions Sluice calls, each scoped to the ARNs of the environment's
resources where AWS allows it ("*" only for the List, Describe and
validation calls that take no resource), and iam:PassRole for exactly the
roles the resources pass, each to its own service. The resources of the
state file are granted too, so that pruning them is allowed; and the reads
that find Sluice's resources by their tags when the state is lost are
granted on every resource of their kind.

Without --account and --region the ARNs carry "*" in their place.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV`")
	outputFlag(cmd, &o.format, "json", "json", "yaml")
	cmd.Flags().StringVar(&o.partition, "partition", "aws", "AWS `PARTITION` of the environment")
	cmd.Flags().StringVar(&o.region, "region", "", "AWS `REGION` of the environment (default \"*\")")
	cmd.Flags().StringVar(&o.account, "account", "", "AWS `ACCOUNT` ID of the environment (default \"*\")")
	cmd.Flags().StringVar(&o.state, "state", "", "state `FILE` whose resources of the environment are granted too, so pruning them is allowed (default $XDG_STATE_HOME/sluice/PROJECT.db)")
	cmd.Flags().StringVar(&o.revision, "revision", "", "Git `REVISION` to compile (default: the checked-out commit)")
	cmd.Flags().StringVar(&o.statesRole, "states-role-arn", os.Getenv("SLUICE_STATES_ROLE_ARN"),
		"`ARN` of the role Step Functions runs pipelines with (SLUICE_STATES_ROLE_ARN)")
	cmd.Flags().StringVar(&o.schedulerRole, "scheduler-role-arn", os.Getenv("SLUICE_SCHEDULER_ROLE_ARN"),
		"`ARN` of the role EventBridge Scheduler starts pipelines with (SLUICE_SCHEDULER_ROLE_ARN)")
	return cmd
}

func (o *iamPolicyOptions) run(ctx context.Context, g *globalOptions) error {
	key, err := localEnv(&o.env)
	if err != nil {
		return err
	}
	run, err := prepareEnv(ctx, g, o.env, o.revision)
	if err != nil {
		return err
	}
	applied, err := readInventory(o.state, key, run)
	if err != nil {
		return err
	}
	doc, err := o.policy(run.Resources, applied)
	if err != nil {
		return err
	}
	_ = writeText(g.stderr, run.Findings)
	enc := json.NewEncoder(g.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if run.Findings.HasErrors() {
		return exitError{code: exitInvalid}
	}
	return nil
}

// policyDocument is an IAM policy document.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

// policyStatement is one Allow statement of a policy document.
type policyStatement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// grant says that calling a backend's client method needs an IAM action
// on the resources of one statement (Sid). A method acting on several
// kinds of resource, or needing several actions, has several grants.
type grant struct {
	client, method, action, sid string
}

// Statement Sids, one per service and kind of resource. Those ending in
// "Any" hold the actions that take no resource and are granted on "*";
// those ending in "Discover" hold the reads with which Sluice finds, by
// their ownership tags, the resources it made when its state is lost:
// they read every resource of their kind in the account, and change none.
const (
	sidStatesDiscover    = "StatesDiscover"
	sidS3Discover        = "S3Discover"
	sidRDSDiscover       = "RDSDiscover"
	sidSchedulerDiscover = "SchedulerDiscover"
	sidStateMachines     = "StatesStateMachines"
	sidStatesAny         = "StatesAny"
	sidExecutions        = "StatesExecutions"
	sidComputeEnvs       = "BatchComputeEnvironments"
	sidJobQueues         = "BatchJobQueues"
	sidJobDefs           = "BatchJobDefinitions"
	sidBatchAny          = "BatchAny"
	sidBuckets           = "S3Buckets"
	sidBucketObjects     = "S3BucketObjects"
	sidS3Any             = "S3Any"
	sidDBInstances       = "RDSInstances"
	sidDBSnapshots       = "RDSFinalSnapshots"
	sidDBSecrets         = "SecretsManagerRDSMasterSecrets"
	sidKMSAny            = "KMSAny"
	sidSchedules         = "SchedulerSchedules"
	sidSchedulerAny      = "SchedulerAny"
	sidSTSAny            = "STSAny"
	// A compute environment that names no service role uses Batch's
	// service-linked role, which CreateComputeEnvironment creates if the
	// account has none yet.
	sidBatchServiceLinkedRole = "BatchServiceLinkedRole"
	sidTaggingAny             = "TaggingAny"
	// The run events' queue and rule.
	sidEventQueues    = "SQSEventQueues"
	sidSQSAny         = "SQSAny"
	sidSQSDiscover    = "SQSDiscover"
	sidEventRules     = "EventsRules"
	sidEventsAny      = "EventsAny"
	sidEventsDiscover = "EventsDiscover"
	// The log groups Batch jobs write to, whose streams the daemon
	// serves as step logs.
	sidBatchLogs = "LogsBatchJobs"
)

// policyGrants maps every method of every backend's client interface
// (and the caller-identity call of the CLI's wiring) to the IAM actions
// it needs. Deleting a DB instance takes a final snapshot; creating one
// whose master password RDS manages creates a secret in Secrets Manager:
// those calls are made by RDS with the caller's permissions.
func policyGrants() []grant {
	return []grant{
		{"sfn", "CreateStateMachine", "states:CreateStateMachine", sidStateMachines},
		{"sfn", "DescribeStateMachine", "states:DescribeStateMachine", sidStateMachines},
		{"sfn", "UpdateStateMachine", "states:UpdateStateMachine", sidStateMachines},
		{"sfn", "DeleteStateMachine", "states:DeleteStateMachine", sidStateMachines},
		{"sfn", "ListTagsForResource", "states:ListTagsForResource", sidStateMachines},
		{"sfn", "TagResource", "states:TagResource", sidStateMachines},
		{"sfn", "UntagResource", "states:UntagResource", sidStateMachines},
		{"sfn", "ValidateStateMachineDefinition", "states:ValidateStateMachineDefinition", sidStatesAny},
		{"sfn", "ListStateMachines", "states:ListStateMachines", sidStatesAny},
		{"sfn", "ListTagsForResource", "states:ListTagsForResource", sidStatesDiscover},
		// Runs: sluice run asks the daemon to start pipelines and follow them.
		{"sfnruns", "StartExecution", "states:StartExecution", sidStateMachines},
		{"sfnruns", "DescribeExecution", "states:DescribeExecution", sidExecutions},
		{"sfnruns", "GetExecutionHistory", "states:GetExecutionHistory", sidExecutions},
		// Runs recorded whoever started them: the daemon drains the run
		// events' queue and lists executions to catch up; a failed run
		// is resumed by redriving it.
		{"ingesturl", "GetQueueUrl", "sqs:GetQueueUrl", sidEventQueues},
		{"ingestqueue", "ReceiveMessage", "sqs:ReceiveMessage", sidEventQueues},
		{"ingestqueue", "DeleteMessageBatch", "sqs:DeleteMessage", sidEventQueues},
		{"ingestlist", "ListExecutions", "states:ListExecutions", sidStateMachines},
		{"sfnredrive", "DescribeExecution", "states:DescribeExecution", sidExecutions},
		{"sfnredrive", "RedriveExecution", "states:RedriveExecution", sidExecutions},
		// Step logs: the daemon reads Batch jobs' streams in CloudWatch
		// Logs.
		{"logs", "GetLogEvents", "logs:GetLogEvents", sidBatchLogs},
		{"batch", "CreateComputeEnvironment", "batch:CreateComputeEnvironment", sidComputeEnvs},
		{"batch", "CreateComputeEnvironment", "iam:CreateServiceLinkedRole", sidBatchServiceLinkedRole},
		{"batch", "UpdateComputeEnvironment", "batch:UpdateComputeEnvironment", sidComputeEnvs},
		{"batch", "DeleteComputeEnvironment", "batch:DeleteComputeEnvironment", sidComputeEnvs},
		{"batch", "DescribeComputeEnvironments", "batch:DescribeComputeEnvironments", sidBatchAny},
		{"batch", "CreateJobQueue", "batch:CreateJobQueue", sidJobQueues},
		{"batch", "CreateJobQueue", "batch:CreateJobQueue", sidComputeEnvs},
		{"batch", "UpdateJobQueue", "batch:UpdateJobQueue", sidJobQueues},
		{"batch", "UpdateJobQueue", "batch:UpdateJobQueue", sidComputeEnvs},
		{"batch", "DeleteJobQueue", "batch:DeleteJobQueue", sidJobQueues},
		{"batch", "DescribeJobQueues", "batch:DescribeJobQueues", sidBatchAny},
		{"batch", "RegisterJobDefinition", "batch:RegisterJobDefinition", sidJobDefs},
		{"batch", "DeregisterJobDefinition", "batch:DeregisterJobDefinition", sidJobDefs},
		{"batch", "DescribeJobDefinitions", "batch:DescribeJobDefinitions", sidBatchAny},
		{"batch", "TagResource", "batch:TagResource", sidComputeEnvs},
		{"batch", "TagResource", "batch:TagResource", sidJobQueues},
		{"batch", "TagResource", "batch:TagResource", sidJobDefs},
		{"batch", "UntagResource", "batch:UntagResource", sidComputeEnvs},
		{"batch", "UntagResource", "batch:UntagResource", sidJobQueues},
		{"batch", "UntagResource", "batch:UntagResource", sidJobDefs},
		{"s3", "HeadBucket", "s3:ListBucket", sidBuckets},
		// sluice artifacts get: the daemon reads an object of one of the
		// environment's buckets, at the version the run store recorded.
		{"s3objects", "GetBucketTagging", "s3:GetBucketTagging", sidBuckets},
		{"s3objects", "GetObject", "s3:GetObject", sidBucketObjects},
		{"s3objects", "GetObject", "s3:GetObjectVersion", sidBucketObjects},
		// sluice run --from --origin: the daemon copies the reused steps'
		// objects from the origin run's prefix to the new run's.
		{"s3objects", "ListObjectsV2", "s3:ListBucket", sidBuckets},
		{"s3objects", "CopyObject", "s3:GetObject", sidBucketObjects},
		{"s3objects", "CopyObject", "s3:PutObject", sidBucketObjects},
		{"s3", "ListBuckets", "s3:ListAllMyBuckets", sidS3Any},
		{"s3", "GetBucketTagging", "s3:GetBucketTagging", sidS3Discover},
		{"s3", "CreateBucket", "s3:CreateBucket", sidBuckets},
		{"s3", "DeleteBucket", "s3:DeleteBucket", sidBuckets},
		{"s3", "GetBucketTagging", "s3:GetBucketTagging", sidBuckets},
		{"s3", "PutBucketTagging", "s3:PutBucketTagging", sidBuckets},
		{"s3", "GetBucketVersioning", "s3:GetBucketVersioning", sidBuckets},
		{"s3", "PutBucketVersioning", "s3:PutBucketVersioning", sidBuckets},
		{"s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration", sidBuckets},
		{"s3", "PutBucketEncryption", "s3:PutEncryptionConfiguration", sidBuckets},
		{"s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", sidBuckets},
		{"s3", "PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", sidBuckets},
		{"s3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", sidBuckets},
		{"s3", "PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", sidBuckets},
		{"s3", "GetBucketReplication", "s3:GetReplicationConfiguration", sidBuckets},
		{"s3", "PutBucketReplication", "s3:PutReplicationConfiguration", sidBuckets},
		// S3 has no Delete* actions for these: removing the configuration
		// needs the Put permission (DeleteBucketLifecycle,
		// DeleteBucketReplication in the S3 API reference).
		{"s3", "DeleteBucketLifecycle", "s3:PutLifecycleConfiguration", sidBuckets},
		{"s3", "DeleteBucketReplication", "s3:PutReplicationConfiguration", sidBuckets},
		{"rds", "DescribeDBInstances", "rds:DescribeDBInstances", sidDBInstances},
		{"rds", "DescribeDBInstances", "rds:DescribeDBInstances", sidRDSDiscover},
		{"rds", "CreateDBInstance", "rds:CreateDBInstance", sidDBInstances},
		{"rds", "ModifyDBInstance", "rds:ModifyDBInstance", sidDBInstances},
		{"rds", "DeleteDBInstance", "rds:DeleteDBInstance", sidDBInstances},
		{"rds", "DeleteDBInstance", "rds:CreateDBSnapshot", sidDBSnapshots},
		{"rds", "DeleteDBInstance", "rds:AddTagsToResource", sidDBSnapshots},
		{"rds", "AddTagsToResource", "rds:AddTagsToResource", sidDBInstances},
		{"rds", "RemoveTagsFromResource", "rds:RemoveTagsFromResource", sidDBInstances},
		{"rds", "CreateDBInstance", "secretsmanager:CreateSecret", sidDBSecrets},
		{"rds", "CreateDBInstance", "secretsmanager:TagResource", sidDBSecrets},
		{"rds", "CreateDBInstance", "kms:DescribeKey", sidKMSAny},
		{"scheduler", "CreateSchedule", "scheduler:CreateSchedule", sidSchedules},
		{"scheduler", "GetSchedule", "scheduler:GetSchedule", sidSchedules},
		{"scheduler", "UpdateSchedule", "scheduler:UpdateSchedule", sidSchedules},
		{"scheduler", "DeleteSchedule", "scheduler:DeleteSchedule", sidSchedules},
		{"scheduler", "ListSchedules", "scheduler:ListSchedules", sidSchedulerAny},
		{"scheduler", "GetSchedule", "scheduler:GetSchedule", sidSchedulerDiscover},
		// Tags given to CreateQueue and PutRule need the tagging action
		// too (SQS developer guide, "Tagging your queues"; EventBridge
		// API reference, PutRule).
		{"sqs", "CreateQueue", "sqs:CreateQueue", sidEventQueues},
		{"sqs", "CreateQueue", "sqs:TagQueue", sidEventQueues},
		{"sqs", "GetQueueUrl", "sqs:GetQueueUrl", sidEventQueues},
		{"sqs", "GetQueueAttributes", "sqs:GetQueueAttributes", sidEventQueues},
		{"sqs", "SetQueueAttributes", "sqs:SetQueueAttributes", sidEventQueues},
		{"sqs", "DeleteQueue", "sqs:DeleteQueue", sidEventQueues},
		{"sqs", "ListQueueTags", "sqs:ListQueueTags", sidEventQueues},
		{"sqs", "TagQueue", "sqs:TagQueue", sidEventQueues},
		{"sqs", "UntagQueue", "sqs:UntagQueue", sidEventQueues},
		{"sqs", "ListQueues", "sqs:ListQueues", sidSQSAny},
		{"sqs", "ListQueueTags", "sqs:ListQueueTags", sidSQSDiscover},
		{"sqs", "GetQueueAttributes", "sqs:GetQueueAttributes", sidSQSDiscover},
		{"events", "PutRule", "events:PutRule", sidEventRules},
		{"events", "PutRule", "events:TagResource", sidEventRules},
		{"events", "DescribeRule", "events:DescribeRule", sidEventRules},
		{"events", "DeleteRule", "events:DeleteRule", sidEventRules},
		{"events", "PutTargets", "events:PutTargets", sidEventRules},
		{"events", "RemoveTargets", "events:RemoveTargets", sidEventRules},
		{"events", "ListTargetsByRule", "events:ListTargetsByRule", sidEventRules},
		{"events", "ListTagsForResource", "events:ListTagsForResource", sidEventRules},
		{"events", "TagResource", "events:TagResource", sidEventRules},
		{"events", "UntagResource", "events:UntagResource", sidEventRules},
		{"events", "ListRules", "events:ListRules", sidEventsAny},
		{"events", "ListTagsForResource", "events:ListTagsForResource", sidEventsDiscover},
		{"sts", "GetCallerIdentity", "sts:GetCallerIdentity", sidSTSAny},
		{"tagging", "GetResources", "tag:GetResources", sidTaggingAny},
	}
}

// policy returns the policy document applying resources needs. It fails
// when a spec names a placeholder with no value here, such as a role
// given by --states-role-arn or --scheduler-role-arn.
//
// The resources Sluice applied before (applied, from the state file) are
// granted too, so that they can be deleted once gone from the documents;
// the roles their old specs passed are not.
func (o *iamPolicyOptions) policy(resources []sluice.Resource, applied []reconcile.Applied) (policyDocument, error) {
	sc := o.scope()
	vars, err := o.vars(sc, resources)
	if err != nil {
		return policyDocument{}, err
	}
	for _, r := range resources {
		spec, err := reconcile.Resolve(r.Spec, vars)
		if err != nil {
			return policyDocument{}, fmt.Errorf("%s: %w (give --states-role-arn and --scheduler-role-arn, or SLUICE_STATES_ROLE_ARN and SLUICE_SCHEDULER_ROLE_ARN)", r.ID, err)
		}
		if err := sc.add(r, spec); err != nil {
			return policyDocument{}, err
		}
	}
	for _, a := range applied {
		if err := sc.addApplied(a); err != nil {
			return policyDocument{}, fmt.Errorf("applied before: %w", err)
		}
	}
	return sc.document(), nil
}

// vars are the placeholder values of the policy: wildcards for what the
// flags leave unknown, the role flags, and each resource's ARN.
func (o *iamPolicyOptions) vars(sc *policyScope, resources []sluice.Resource) (map[string]string, error) {
	vars := map[string]string{
		compile.PlaceholderPartition: sc.partition,
		compile.PlaceholderRegion:    sc.region,
		compile.PlaceholderAccount:   sc.account,
	}
	if o.statesRole != "" {
		vars[compile.PlaceholderStatesRole] = o.statesRole
	}
	if o.schedulerRole != "" {
		vars[compile.PlaceholderSchedulerRole] = o.schedulerRole
	}
	for _, r := range resources {
		arn, err := sc.resourceARN(r)
		if err != nil {
			return nil, err
		}
		vars[compile.ARNPlaceholder(r.ID)] = arn
	}
	return vars, nil
}

// document returns the statements gathered: one per Sid that has
// resources, then one iam:PassRole statement per service, all sorted.
func (sc *policyScope) document() policyDocument {
	actions := map[string]map[string]bool{}
	for _, g := range policyGrants() {
		if len(sc.resources[g.sid]) == 0 {
			continue
		}
		if actions[g.sid] == nil {
			actions[g.sid] = map[string]bool{}
		}
		actions[g.sid][g.action] = true
	}
	doc := policyDocument{Version: "2012-10-17"}
	for sid, acts := range actions {
		doc.Statement = append(doc.Statement, policyStatement{Sid: sid, Effect: "Allow", Action: sortedKeys(acts),
			Resource: sortedKeys(sc.resources[sid]), Condition: statementConditions()[sid]})
	}
	for principal, roles := range sc.roles {
		doc.Statement = append(doc.Statement, policyStatement{
			Sid: passRoleSid(principal), Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: sortedKeys(roles),
			Condition: map[string]map[string]string{"StringEquals": {"iam:PassedToService": principal}},
		})
	}
	sort.Slice(doc.Statement, func(i, j int) bool { return doc.Statement[i].Sid < doc.Statement[j].Sid })
	return doc
}

// statementConditions are the conditions of the statements that have one
// (besides PassRole's), by Sid.
func statementConditions() map[string]map[string]map[string]string {
	return map[string]map[string]map[string]string{
		sidBatchServiceLinkedRole: {"StringEquals": {"iam:AWSServiceName": "batch.amazonaws.com"}},
	}
}

// passRoleSid names the PassRole statement of a service principal:
// "ecs-tasks.amazonaws.com" gives "PassRoleToEcsTasks".
func passRoleSid(principal string) string {
	name := strings.TrimSuffix(principal, ".amazonaws.com")
	var b strings.Builder
	b.WriteString("PassRoleTo")
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
