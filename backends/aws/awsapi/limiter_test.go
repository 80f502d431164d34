package awsapi_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// delayPattern gives the i-th request of n its delay on the way to AWS.
type delayPattern func(i, n int, most time.Duration) time.Duration

var delayPatterns = map[string]delayPattern{
	// None delayed.
	"none": func(int, int, time.Duration) time.Duration { return 0 },
	// The first half held up the most, the rest on time: they arrive
	// together.
	"first half late": func(i, n int, most time.Duration) time.Duration {
		if i < n/2 {
			return most
		}
		return 0
	},
	// Every request held up but the last quarter, which catches up.
	"late until the last quarter": func(i, n int, most time.Duration) time.Duration {
		if i < 3*n/4 {
			return most
		}
		return 0
	},
	// Every other request held up: bunches all along.
	"every other late": func(i, _ int, most time.Duration) time.Duration {
		if i%2 == 0 {
			return most
		}
		return 0
	},
	// Held up more and more, then all on time at once.
	"growing delay": func(i, n int, most time.Duration) time.Duration {
		if i > 3*n/4 {
			return 0
		}
		return most * time.Duration(i) / time.Duration(n)
	},
}

// throttledAtAWS sends n requests as fast as the client's bucket for
// quota q lets them leave, delays each by pattern (at most most), and
// returns how many the account's bucket, full at the start, refuses.
// Time is simulated: the buckets are asked at the times requests leave
// and arrive.
func throttledAtAWS(q awsapi.Rate, n int, pattern delayPattern, most time.Duration) int {
	l := awsapi.NewLimiter(map[string]awsapi.Rate{"Test.Op": q})
	c := l.Effective("Test", "Op")
	client := rate.NewLimiter(rate.Limit(c.PerSecond), c.Burst)
	start := time.Unix(0, 0)
	arrivals := make([]time.Time, n)
	for i := range arrivals {
		sent := start.Add(client.ReserveN(start, 1).DelayFrom(start))
		arrivals[i] = sent.Add(pattern(i, n, most))
	}
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	account := rate.NewLimiter(rate.Limit(q.PerSecond), q.Burst)
	throttled := 0
	for _, at := range arrivals {
		if !account.AllowN(at, 1) {
			throttled++
		}
	}
	return throttled
}

// TestLimiterAbsorbsJitter: requests sent as fast as the client's
// bucket allows are never throttled by the account's bucket however
// they are delayed on the way, by up to awsapi.Jitter each; delayed by
// three times that, some are (the margin is what makes the difference).
func TestLimiterAbsorbsJitter(t *testing.T) {
	quotas := []awsapi.Rate{
		{PerSecond: 50, Burst: 50},   // Batch
		{PerSecond: 1, Burst: 100},   // SFN CreateStateMachine
		{PerSecond: 20, Burst: 200},  // SFN DescribeStateMachine
		{PerSecond: 15, Burst: 15},   // tagging GetResources
		{PerSecond: 12, Burst: 300},  // RDS
		{PerSecond: 100, Burst: 150}, // an account with raised quotas
	}
	for _, q := range quotas {
		n := q.Burst + int(60*q.PerSecond) // a minute past the burst
		for name, pattern := range delayPatterns {
			t.Run(fmt.Sprintf("%g per s, burst %d, %s", q.PerSecond, q.Burst, name), func(t *testing.T) {
				if got := throttledAtAWS(q, n, pattern, awsapi.Jitter); got != 0 {
					t.Errorf("%d of %d requests delayed by up to %v throttled, want 0", got, n, awsapi.Jitter)
				}
			})
		}
		beyond := 0
		for _, pattern := range delayPatterns {
			beyond += throttledAtAWS(q, n, pattern, 3*awsapi.Jitter)
		}
		if beyond == 0 {
			t.Errorf("%+v: no request delayed by up to %v throttled: the simulation cannot tell the margin's worth", q, 3*awsapi.Jitter)
		}
	}
}
