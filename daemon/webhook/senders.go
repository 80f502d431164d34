package webhook

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// senderKey names one authentic sender: a source and the address its
// requests come from.
type senderKey struct {
	provider, repository, addr string
}

// senders holds a token bucket per authentic sender, at most capacity of
// them (the one unused longest is forgotten first). Only requests whose
// signature checked out reach a bucket: a forged request never spends a
// genuine sender's budget.
type senders struct {
	limit    rate.Limit
	burst    int
	capacity int

	mu      sync.Mutex
	buckets map[senderKey]*sender
}

type sender struct {
	limiter *rate.Limiter
	used    time.Time
}

func newSenders(limit rate.Limit, burst, capacity int) *senders {
	return &senders{limit: limit, burst: burst, capacity: capacity, buckets: map[senderKey]*sender{}}
}

// allow takes a token from the bucket of key at now, reporting false
// when it is empty.
func (s *senders) allow(key senderKey, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[key]
	if b == nil {
		if len(s.buckets) >= s.capacity {
			s.forgetOldest()
		}
		b = &sender{limiter: rate.NewLimiter(s.limit, s.burst)}
		s.buckets[key] = b
	}
	b.used = now
	return b.limiter.AllowN(now, 1)
}

// forgetOldest drops the bucket unused longest.
func (s *senders) forgetOldest() {
	var oldest senderKey
	var at time.Time
	first := true
	for k, b := range s.buckets {
		if first || b.used.Before(at) {
			oldest, at, first = k, b.used, false
		}
	}
	delete(s.buckets, oldest)
}

// remoteAddr returns the address part of a request's RemoteAddr.
func remoteAddr(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}
