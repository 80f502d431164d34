package awsapi

import (
	"context"
	"math"
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

// Jitter is how much later than its neighbours a request may reach AWS
// (a scheduling or garbage-collection pause, a slow connection) without
// being throttled. The client keeps each quota's rate and a bucket
// Jitter's worth of refill smaller than the account's: the requests it
// sends in any interval then number at most the account's burst plus the
// refill of that interval less Jitter's, so however they are delayed, by
// up to Jitter each, they reach AWS within what the account's bucket
// admits. The margin is a fixed time, not a share: it costs at most
// Jitter of wall time however long the run, where keeping nine tenths of
// each quota (what the client did before) cost a tenth of every run
// (1.11 times the quota minimum) and tolerated, for Batch's 50 a second
// after a burst of 50, a delay of about 0.1 s only: the 1,000-pipeline
// quota benchmark saw one or two throttled requests among 17,000 Batch
// calls then.
const Jitter = time.Second

// Headroom is the smallest share of a quota's rate the client keeps to:
// where the account's burst is less than Jitter's refill plus one
// request, the client's rate is lowered so that Jitter's worth of it
// fits the account's bucket, but not below Headroom of the quota (an
// account bucket of one request cannot absorb any delay).
const Headroom = 0.9

// clientRate is the token bucket the client keeps for quota r: r's rate
// and r's burst less Jitter's refill when that leaves at least one
// request; otherwise a bucket of one request and the rate at which
// Jitter's worth of requests fits the rest of r's burst, at least
// Headroom of r's rate and at most all of it.
func clientRate(r Rate) Rate {
	if burst := int(math.Floor(float64(r.Burst) - r.PerSecond*Jitter.Seconds())); burst >= 1 {
		return Rate{PerSecond: r.PerSecond, Burst: burst}
	}
	perSecond := min(max(float64(r.Burst-1)/Jitter.Seconds(), r.PerSecond*Headroom), r.PerSecond)
	return Rate{PerSecond: perSecond, Burst: 1}
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

// Wait blocks until the operation may be called, within the bucket the
// client keeps for its quota (see Jitter). It fails only when ctx
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
	r := clientRate(l.rate(key))
	b := rate.NewLimiter(rate.Limit(r.PerSecond), r.Burst)
	l.buckets[key] = b
	return b
}

// Rate returns the quota the limiter keeps to for an operation (before
// Jitter's margin): its own entry, else its service's "Service.*", else "*".
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

// Effective returns the bucket the client keeps for an operation: its
// quota with Jitter's worth of refill kept free (see Jitter).
func (l *Limiter) Effective(service, operation string) Rate {
	return clientRate(l.Rate(service, operation))
}
