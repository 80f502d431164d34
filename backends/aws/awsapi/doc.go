// Package awsapi is the AWS plumbing Sluice's backends share: LoadConfig
// builds an aws.Config from the standard credential chain (optionally
// assuming a role, optionally pointed at another endpoint) with the SDK's
// standard retryer, and Instrument adds two middlewares to a config:
//
//   - call counting: every attempt of every operation is reported to a
//     Recorder as "ok", "throttled" or "error", and every attempt after
//     the first as a retry. Counter is an in-memory Recorder that tests
//     use to assert, for instance, that a second apply makes no mutating
//     call; metrics plug in through the same interface.
//   - rate limiting: a token bucket per API operation (Limiter), set from
//     the services' documented default quotas and overridable, waits
//     before each attempt is sent rather than letting AWS throttle.
//
// Retries are the SDK's alone: nothing here retries.
package awsapi
