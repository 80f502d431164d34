package awsapi

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a token bucket: PerSecond tokens added each second, at most
// Burst held.
type Rate struct {
	PerSecond float64
	Burst     int
}

// DefaultRates returns the documented default AWS quotas of the
// operations Sluice calls, keyed "ServiceID.Operation" (the SDK's service
// ID: "SFN", "Scheduler", ...). Step Functions: the developer guide's
// "Quotas related to API action throttling" table (bucket size, refill
// per second; ValidateStateMachineDefinition is not in it and gets
// CreateStateMachine's); EventBridge Scheduler: its per-API request rate
// quotas; the Resource Groups Tagging API: GetResources' 15 a second
// (Tag Editor's service quotas); RDS: "Request throttling for the Amazon
// RDS API" (12 a second after a burst of 300); S3's bucket configuration
// calls: no documented figure, 20 a second assumed. A key
// "Service.*" is the rate of each operation of the service not listed;
// "*" is the rate of every operation not listed otherwise: AWS Batch's documented 50 requests a second,
// with a bucket no larger than the account's (a larger client burst is
// throttled by AWS as soon as the account's bucket is empty).
// internal/quotaproxy keeps the same figures, each with its source.
// Accounts whose quotas differ override them (NewLimiter).
func DefaultRates() map[string]Rate {
	return map[string]Rate{
		"*":                                  {PerSecond: 50, Burst: 50},
		"SFN.CreateStateMachine":             {PerSecond: 1, Burst: 100},
		"SFN.UpdateStateMachine":             {PerSecond: 1, Burst: 200},
		"SFN.DeleteStateMachine":             {PerSecond: 1, Burst: 100},
		"SFN.DescribeStateMachine":           {PerSecond: 20, Burst: 200},
		"SFN.ListStateMachines":              {PerSecond: 5, Burst: 100},
		"SFN.TagResource":                    {PerSecond: 1, Burst: 200},
		"SFN.UntagResource":                  {PerSecond: 1, Burst: 200},
		"SFN.ListTagsForResource":            {PerSecond: 1, Burst: 100},
		"SFN.ValidateStateMachineDefinition": {PerSecond: 1, Burst: 100},
		// Assumed (the guide's figure as recalled, not checked here): the
		// run catch-up's listing.
		"SFN.ListExecutions":                       {PerSecond: 2, Burst: 100},
		"Scheduler.CreateSchedule":                 {PerSecond: 50, Burst: 50},
		"Scheduler.UpdateSchedule":                 {PerSecond: 50, Burst: 50},
		"Scheduler.DeleteSchedule":                 {PerSecond: 50, Burst: 50},
		"Scheduler.GetSchedule":                    {PerSecond: 50, Burst: 50},
		"Scheduler.ListSchedules":                  {PerSecond: 50, Burst: 50},
		"Resource Groups Tagging API.GetResources": {PerSecond: 15, Burst: 15},
		"RDS.*": {PerSecond: 12, Burst: 300},
		// CloudWatch Logs quotas: GetLogEvents, 25 transactions a
		// second per account and region (as recalled, not checked here):
		// the logs the daemon serves.
		"CloudWatch Logs.GetLogEvents": {PerSecond: 25, Burst: 25},
		"S3.*":                         {PerSecond: 20, Burst: 50},
	}
}

// Headroom is the share of each quota the client uses. Requests leave a
// client bucket evenly spaced but reach AWS's with network and scheduling
// jitter, so a client running exactly at the quota meets throttling now
// and then; a tenth kept free absorbs the jitter at a tenth of the
// throughput.
const Headroom = 0.9

// Jitter is how much later than its neighbours a request may reach AWS
// (a scheduling or garbage-collection pause, a slow connection): the
// client's bucket is that many seconds of refill smaller than the
// account's, so that requests arriving bunched after such a delay still
// find tokens. With nine tenths of the burst only, the 1,000-pipeline
// quota benchmark saw one or two throttled requests among 17,000 Batch
// calls.
const Jitter = 500 * time.Millisecond

// clientBurst is the bucket size the client keeps for a quota: Headroom
// of it, and Jitter's worth of refill below it, at least one.
func clientBurst(r Rate) int {
	return max(min(int(float64(r.Burst)*Headroom), r.Burst-int(r.PerSecond*Jitter.Seconds())), 1)
}

// Limiter holds one token bucket per operation. It is safe for
// concurrent use; share one Limiter between every client talking to the
// same account and region, as AWS's quotas are per account and region.
type Limiter struct {
	rates   map[string]Rate
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// NewLimiter returns a Limiter with DefaultRates, overridden and extended
// by overrides (keyed "ServiceID.Operation", or "*" for the default).
func NewLimiter(overrides map[string]Rate) *Limiter {
	rates := DefaultRates()
	for k, r := range overrides {
		rates[k] = r
	}
	return &Limiter{rates: rates, buckets: map[string]*rate.Limiter{}}
}

// Wait blocks until the operation may be called, at Headroom of its
// rate and burst. It fails only when ctx
// is done first (or its deadline is too near for the wait).
func (l *Limiter) Wait(ctx context.Context, service, operation string) error {
	return l.bucket(service + "." + operation).Wait(ctx)
}

// bucket returns the token bucket of key, creating it on first use.
func (l *Limiter) bucket(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		return b
	}
	r := l.rate(key)
	b := rate.NewLimiter(rate.Limit(r.PerSecond*Headroom), clientBurst(r))
	l.buckets[key] = b
	return b
}

// Rate returns the quota the limiter keeps to for an operation (before
// Headroom): its own entry, else its service's "Service.*", else "*".
func (l *Limiter) Rate(service, operation string) Rate {
	return l.rate(service + "." + operation)
}

func (l *Limiter) rate(key string) Rate {
	if r, ok := l.rates[key]; ok {
		return r
	}
	service, _, _ := strings.Cut(key, ".")
	if r, ok := l.rates[service+".*"]; ok {
		return r
	}
	return l.rates["*"]
}

// Effective returns the bucket the client keeps for an operation:
// Headroom of its quota's rate, and a burst below the quota's by
// Headroom and by Jitter's worth of refill.
func (l *Limiter) Effective(service, operation string) Rate {
	r := l.Rate(service, operation)
	return Rate{PerSecond: r.PerSecond * Headroom, Burst: clientBurst(r)}
}
