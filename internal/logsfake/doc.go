// Package logsfake is a test peer for Amazon CloudWatch Logs at the
// SDK's HTTP layer: an httptest server speaking the service's JSON 1.1
// protocol (POST /, X-Amz-Target: Logs_20140328.<Operation>), for the
// log streams Batch jobs write.
//
// It exists because the kumo emulator, though it stores log groups,
// streams and events, ignores GetLogEvents' nextToken (every call
// returns the same first events) and answers a new random
// nextForwardToken each time, so a reader can neither page through a
// stream nor tell that it reached the end. It covers, as the CloudWatch
// Logs API reference documents them (the SDK carries its text):
//
//   - CreateLogGroup and CreateLogStream; an existing name is
//     ResourceAlreadyExistsException, a stream in a missing group
//     ResourceNotFoundException.
//   - PutLogEvents appends events (timestamp, message) to a stream;
//     its sequence token is ignored, as the service now does.
//   - GetLogEvents by logGroupName (or logGroupIdentifier) and
//     logStreamName: without nextToken, the newest events unless
//     startFromHead is true; a page holds at most limit events (default
//     and most 10,000) and at most 1,048,576 bytes, counting each event
//     as its message's UTF-8 bytes plus 26 (as PutLogEvents counts
//     them); nextForwardToken and nextBackwardToken are always present,
//     and at the end of the stream nextForwardToken is the token passed
//     in. A missing group or stream is ResourceNotFoundException, a
//     token the fake did not issue InvalidParameterException, and a call
//     the test asked to throttle (Throttle) ThrottlingException.
//
// Not covered: startTime and endTime, unmask, log group classes,
// retention, subscription filters, FilterLogEvents, DescribeLogStreams.
package logsfake
