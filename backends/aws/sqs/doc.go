// Package sqs is the reconcile.Backend of EventQueue resources: the SQS
// queue an environment's run events are delivered to (by the EventRule's
// EventBridge rule) and the daemon drains into its run store.
//
// The spec is CreateQueue's input as the compiler emits it: QueueName
// and Attributes (retention, long-poll wait, visibility timeout, and the
// Policy that lets events.amazonaws.com send from the environment's rule
// only). A queue's key is its name; its
// recorded identity is its ARN, arn:PARTITION:sqs:REGION:ACCOUNT:NAME.
//
// # Operations
//
// Observe finds the queue's URL by name (GetQueueUrl), then reads its
// attributes (GetQueueAttributes) and tags (ListQueueTags). Create reads
// the name first: CreateQueue returns an existing queue whose attributes
// match, so calling it blindly would take a queue Sluice does not own;
// a queue of that name carrying Sluice's ownership tags for the resource
// is brought in line as Update would, any other is refused (stalled).
// Update sets only the attributes that differ (SetQueueAttributes) and
// the tags that differ (TagQueue, UntagQueue). Delete sends DeleteQueue;
// SQS then refuses a queue of the same name for 60 seconds, which
// Create reports as waiting.
package sqs
