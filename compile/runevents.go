package compile

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// The run events of an environment: an EventBridge rule that matches the
// status changes of its executions and Batch jobs, and the SQS queue it
// delivers them to, which the daemon drains into its run store. One of
// each per project and environment, made from the Project document and
// named after it; only an environment with pipelines has them.
const (
	// runEventsSuffix ends the physical names of the rule and the queue.
	runEventsSuffix = "runs"
	// runEventsTargetID is the rule's one target's ID.
	runEventsTargetID = "sluice-run-events"
	// Detail types of the events (Step Functions developer guide,
	// "Step Functions events"; AWS Batch user guide, "Job state change
	// events").
	detailExecutionStatus = "Step Functions Execution Status Change"
	detailBatchJobState   = "Batch Job State Change"
	// queueRetention is how long an undelivered event waits in the queue:
	// SQS's maximum, 14 days, so a daemon that is down for days loses
	// nothing the catch-up listing cannot find again.
	queueRetention = "1209600"
	// queueVisibility is how long a received message stays hidden before
	// another receive gets it again: long enough to write a batch of ten.
	queueVisibility = "120"
)

// ruleEventRule: EventBridge rule names take 1-64 letters, digits,
// dots, hyphens and underscores (EventBridge API reference, PutRule).
func ruleEventRule() nameRule {
	return nameRule{max: 64, allowed: func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }}
}

// ruleQueue: SQS queue names take 1-80 letters, digits, hyphens and
// underscores (SQS API reference, CreateQueue).
func ruleQueue() nameRule {
	return nameRule{max: 80, allowed: func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }}
}

// runEvents emits the environment's event queue and rule when it has
// pipelines. The queue is encrypted at rest as SQS encrypts every new
// queue by default (SSE-SQS; assumed, as not checked here: the
// attribute is left to that default rather than set, since an emulator
// that does not report it would show it as drift for ever).
func (c *compiler) runEvents() {
	if len(c.docs[dsl.KindPipeline]) == 0 {
		return
	}
	d := c.in.Project
	tags, ok := c.userTags(d, nil)
	if !ok {
		return
	}
	queue := c.physical(ruleQueue(), runEventsSuffix)
	rule := c.physical(ruleEventRule(), runEventsSuffix)
	queueID := resourceID(sluice.TypeEventQueue, c.project)
	c.emit(draft{typ: sluice.TypeEventQueue, name: c.project, phys: queue, doc: d, tags: tags,
		spec: obj{{"QueueName", queue}, {"Attributes", obj{
			{"MessageRetentionPeriod", queueRetention},
			{"ReceiveMessageWaitTimeSeconds", "20"},
			{"VisibilityTimeout", queueVisibility},
			{"Policy", string(writeJSON(nil, queuePolicy(queue, rule)))},
		}}}})
	c.emit(draft{typ: sluice.TypeEventRule, name: c.project, phys: rule, doc: d, tags: tags,
		deps: []sluice.ResourceID{queueID},
		spec: obj{{"Name", rule}, {"State", "ENABLED"},
			{"Description", "Sluice: status changes of " + c.project + "/" + c.in.Env + "'s executions and Batch jobs"},
			{"EventPattern", string(writeJSON(nil, c.eventPattern()))},
			{"Targets", []obj{{{"Id", runEventsTargetID}, {"Arn", ARNPlaceholder(queueID)}}}}}})
}

// eventPattern matches the environment's executions and Batch jobs by
// the names of their state machines and job queues, which all start
// with "PROJECT-ENV-". A prefix, not a list of ARNs: the pattern keeps
// its size (EventBridge caps it) with a thousand pipelines, and a
// pipeline added later is matched without changing the rule.
//
// Assumed: an environment whose name is another's followed by "-" and
// more ("dev" and "dev-eu") matches the other's events too, and so does
// a project named "P-E" with any environment; the run sink keeps only
// the executions of the state machines the environment deployed.
func (c *compiler) eventPattern() obj {
	prefix := c.project + "-" + c.in.Env + "-"
	arn := func(service, resource string) string {
		return "arn:" + PlaceholderPartition + ":" + service + ":" + PlaceholderRegion + ":" + PlaceholderAccount + ":" + resource
	}
	prefixOf := func(s string) []any { return []any{obj{{"prefix", s}}} }
	return obj{{"$or", []any{
		obj{{"source", []string{"aws.states"}}, {"detail-type", []string{detailExecutionStatus}},
			{"detail", obj{{"stateMachineArn", prefixOf(arn("states", "stateMachine:"+prefix))}}}},
		obj{{"source", []string{"aws.batch"}}, {"detail-type", []string{detailBatchJobState}},
			{"detail", obj{{"jobQueue", prefixOf(arn("batch", "job-queue/"+prefix))}}}},
	}}}
}

// queuePolicy lets EventBridge send to the queue, and only from the
// environment's rule (SQS developer guide, "Amazon EventBridge
// permissions": a resource policy for events.amazonaws.com, conditioned
// on aws:SourceArn).
func queuePolicy(queue, rule string) obj {
	arn := func(service, resource string) string {
		return "arn:" + PlaceholderPartition + ":" + service + ":" + PlaceholderRegion + ":" + PlaceholderAccount + ":" + resource
	}
	return obj{{"Version", "2012-10-17"}, {"Statement", []obj{{
		{"Sid", "EventBridgeSendsRunEvents"}, {"Effect", "Allow"},
		{"Principal", obj{{"Service", "events.amazonaws.com"}}},
		{"Action", "sqs:SendMessage"},
		{"Resource", arn("sqs", queue)},
		{"Condition", obj{{"ArnEquals", obj{{"aws:SourceArn", arn("events", "rule/"+rule)}}}}},
	}}}}
}
