// Package logs reads the logs of Batch jobs from Amazon CloudWatch Logs:
// the stream each job's container writes to once it reaches RUNNING, in
// the log group "/aws/batch/job" unless the job definition's
// logConfiguration names another (AWS Batch API reference,
// AttemptContainerDetail.logStreamName; LogConfiguration). It knows
// where a log is (Stream: a stream's ARN, as the run store records it)
// and reads it a page at a time (Reader, a sluice.LogReader).
package logs
