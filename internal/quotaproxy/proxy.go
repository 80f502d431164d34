package quotaproxy

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// Count is what the proxy did with one operation's requests.
type Count struct {
	// Passed requests found a token and were forwarded.
	Passed int
	// Throttled requests found the bucket empty and were refused.
	Throttled int
	// First and Last are when the first and the last request passed
	// (zero when none did): where in a run an operation's calls fall.
	First, Last time.Time
}

// Proxy enforces per-operation token buckets in front of an upstream
// AWS endpoint. It is an http.Handler, safe for concurrent use.
type Proxy struct {
	next  http.Handler
	rates map[string]awsapi.Rate

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	counts  map[string]Count
}

// New returns a proxy to upstream enforcing rates, keyed
// "ServiceID.Operation" ("*" for every operation not listed; without
// "*" such operations are not limited). Use DefaultRates for AWS's
// defaults, or awsapi.DefaultRates for the table Sluice's own client
// limiter follows.
func New(upstream *url.URL, rates map[string]awsapi.Rate) *Proxy {
	return &Proxy{next: httputil.NewSingleHostReverseProxy(upstream), rates: rates,
		buckets: map[string]*rate.Limiter{}, counts: map[string]Count{}}
}

// ServeHTTP takes a token from the request's operation bucket and
// forwards the request, or answers it with the service's throttling
// error when the bucket is empty.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service, op := Operation(r)
	if !p.admit(service+"."+op, time.Now()) {
		writeThrottle(w, service)
		return
	}
	p.next.ServeHTTP(w, r)
}

// admit takes a token for key at now and counts the outcome.
func (p *Proxy) admit(key string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	ok := p.bucket(key).AllowN(now, 1)
	c := p.counts[key]
	if ok {
		c.Passed++
		if c.First.IsZero() {
			c.First = now
		}
		c.Last = now
	} else {
		c.Throttled++
	}
	p.counts[key] = c
	return ok
}

// bucket returns key's token bucket, full at first use; p.mu is held.
func (p *Proxy) bucket(key string) *rate.Limiter {
	if b, ok := p.buckets[key]; ok {
		return b
	}
	r, ok := p.rates[key]
	if !ok {
		r, ok = p.rates["*"]
	}
	b := rate.NewLimiter(rate.Inf, 0)
	if ok {
		b = rate.NewLimiter(rate.Limit(r.PerSecond), max(r.Burst, 1))
	}
	p.buckets[key] = b
	return b
}

// Counts returns a copy of the per-operation counts, keyed
// "ServiceID.Operation".
func (p *Proxy) Counts() map[string]Count {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]Count, len(p.counts))
	for k, c := range p.counts {
		out[k] = c
	}
	return out
}

// Reset forgets the counts (the buckets keep their tokens).
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts = map[string]Count{}
}

// Refill fills every bucket again, as a quiet period long enough for
// every operation's bucket to refill would.
func (p *Proxy) Refill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buckets = map[string]*rate.Limiter{}
}

// SetRates enforces rates from now on, with every bucket full: a
// benchmark sets up a world without quotas, then measures one command
// at AWS's.
func (p *Proxy) SetRates(rates map[string]awsapi.Rate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rates = rates
	p.buckets = map[string]*rate.Limiter{}
}

// Totals adds counts up: requests passed and throttled.
func Totals(counts map[string]Count) (passed, throttled int) {
	for _, c := range counts {
		passed += c.Passed
		throttled += c.Throttled
	}
	return passed, throttled
}

// MinDuration is the shortest time in which the passed requests of
// counts could have been made without throttling, if every operation's
// bucket starts full and operations do not wait for each other: for
// each operation (passed - burst) / rate, at least zero; the largest of
// those. It also returns the operation that sets it. Operations with no
// rate in rates (and no "*") cost nothing.
func MinDuration(counts map[string]Count, rates map[string]awsapi.Rate) (time.Duration, string) {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var longest time.Duration
	var which string
	for _, k := range keys {
		if d := opMinimum(counts[k].Passed, rateOf(rates, k)); d > longest {
			longest, which = d, k
		}
	}
	return longest, which
}

// rateOf returns key's rate, "*"'s, or the zero Rate (unlimited).
func rateOf(rates map[string]awsapi.Rate, key string) awsapi.Rate {
	if r, ok := rates[key]; ok {
		return r
	}
	return rates["*"]
}

// opMinimum is max(0, (calls - burst) / rate); zero for an unlimited rate.
func opMinimum(calls int, r awsapi.Rate) time.Duration {
	if r.PerSecond <= 0 || calls <= r.Burst {
		return 0
	}
	return time.Duration(float64(calls-r.Burst) / r.PerSecond * float64(time.Second))
}
