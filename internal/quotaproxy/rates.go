package quotaproxy

import "github.com/sluice-dev/sluice/backends/aws/awsapi"

// DefaultRates returns AWS's default quotas for the operations Sluice
// calls, keyed "ServiceID.Operation" like awsapi.DefaultRates (SDK
// service IDs: SFN, Batch, RDS, S3, Scheduler, STS, Resource Groups
// Tagging API); "*" is the quota of every operation not listed. Each
// entry names its source, or says "assumed" where AWS documents no
// figure.
func DefaultRates() map[string]awsapi.Rate {
	rates := map[string]awsapi.Rate{
		// Assumed: a conservative figure for anything not listed.
		"*": {PerSecond: 10, Burst: 50},
		// STS: assumed (GetCallerIdentity, once a run).
		"STS.GetCallerIdentity": {PerSecond: 10, Burst: 50},
		// Tag Editor user guide, "Service quotas": GetResources at most 15
		// calls per second. The burst is assumed: one second's worth.
		"Resource Groups Tagging API.GetResources": {PerSecond: 15, Burst: 15},
	}
	for _, table := range []map[string]awsapi.Rate{sfnRates(), batchRates(), rdsRates(), s3Rates(), schedulerRates()} {
		for k, v := range table {
			rates[k] = v
		}
	}
	return rates
}

// sfnRates: Step Functions developer guide, "Quotas related to API
// action throttling" (bucket size, refill rate per second).
func sfnRates() map[string]awsapi.Rate {
	return map[string]awsapi.Rate{
		"SFN.CreateStateMachine":   {PerSecond: 1, Burst: 100},
		"SFN.UpdateStateMachine":   {PerSecond: 1, Burst: 200},
		"SFN.DeleteStateMachine":   {PerSecond: 1, Burst: 100},
		"SFN.DescribeStateMachine": {PerSecond: 20, Burst: 200},
		"SFN.ListStateMachines":    {PerSecond: 5, Burst: 100},
		"SFN.TagResource":          {PerSecond: 1, Burst: 200},
		"SFN.UntagResource":        {PerSecond: 1, Burst: 200},
		"SFN.ListTagsForResource":  {PerSecond: 1, Burst: 100},
		// Assumed: the guide lists no figure; the create quota's.
		"SFN.ValidateStateMachineDefinition": {PerSecond: 1, Burst: 100},
		// Assumed: the guide's figure as recalled (bucket 100, refill 2),
		// not checked against it here.
		"SFN.ListExecutions": {PerSecond: 2, Burst: 100},
	}
}

// batchRates: AWS Batch user guide, "service quotas" (50 TPS per
// account for SubmitJob) and the AWS knowledge-center article "AWS Batch
// requests error" (the 50 TPS quota applies to every Batch API). The
// burst is assumed: one second's worth.
func batchRates() map[string]awsapi.Rate {
	ops := []string{
		"CreateComputeEnvironment", "DescribeComputeEnvironments", "UpdateComputeEnvironment", "DeleteComputeEnvironment",
		"CreateJobQueue", "DescribeJobQueues", "UpdateJobQueue", "DeleteJobQueue",
		"RegisterJobDefinition", "DescribeJobDefinitions", "DeregisterJobDefinition",
		"TagResource", "UntagResource", "ListTagsForResource",
	}
	return each("Batch", ops, awsapi.Rate{PerSecond: 50, Burst: 50})
}

// rdsRates: RDS user guide, "Request throttling for the Amazon RDS API":
// a burst of 300 and a sustained 12 requests per second. AWS applies it
// to the account's RDS calls together; here each operation has its own
// bucket of that size (Sluice's client limiter is per operation too).
func rdsRates() map[string]awsapi.Rate {
	ops := []string{"DescribeDBInstances", "CreateDBInstance", "ModifyDBInstance", "DeleteDBInstance",
		"AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource"}
	return each("RDS", ops, awsapi.Rate{PerSecond: 12, Burst: 300})
}

// s3Rates: assumed. S3 documents per-prefix object request rates
// (3,500 writes, 5,500 reads per second), not bucket-configuration
// quotas; these are a conservative stand-in.
func s3Rates() map[string]awsapi.Rate {
	ops := []string{"ListBuckets", "HeadBucket", "CreateBucket", "DeleteBucket",
		"GetBucketTagging", "PutBucketTagging", "GetBucketVersioning", "PutBucketVersioning",
		"GetBucketEncryption", "PutBucketEncryption", "GetPublicAccessBlock", "PutPublicAccessBlock",
		"GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration",
		"GetBucketReplication", "PutBucketReplication"}
	return each("S3", ops, awsapi.Rate{PerSecond: 20, Burst: 50})
}

// schedulerRates: EventBridge Scheduler user guide, "Quotas": 50
// requests per second for each schedule API (burst assumed: 50).
func schedulerRates() map[string]awsapi.Rate {
	ops := []string{"CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule", "ListSchedules"}
	return each("Scheduler", ops, awsapi.Rate{PerSecond: 50, Burst: 50})
}

// each gives every operation of service the same rate.
func each(service string, ops []string, r awsapi.Rate) map[string]awsapi.Rate {
	m := make(map[string]awsapi.Rate, len(ops))
	for _, op := range ops {
		m[service+"."+op] = r
	}
	return m
}
