package webhook

import (
	"sync"
	"time"
)

// replayGuard remembers the delivery ids seen within a window, at most
// capacity of them: the oldest are forgotten first, so memory is bounded
// whatever the traffic.
type replayGuard struct {
	window time.Duration

	mu   sync.Mutex
	seen map[string]time.Time
	// ring holds the ids in arrival order; head is the oldest, size the
	// number held.
	ring       []delivery
	head, size int
}

type delivery struct {
	key string
	at  time.Time
}

func newReplayGuard(window time.Duration, capacity int) *replayGuard {
	return &replayGuard{window: window, seen: map[string]time.Time{}, ring: make([]delivery, capacity)}
}

// check reports whether key was recorded within the window before now, and
// records it when it was not.
func (g *replayGuard) check(key string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.size > 0 && now.Sub(g.ring[g.head].at) >= g.window {
		g.evict()
	}
	if at, ok := g.seen[key]; ok && now.Sub(at) < g.window {
		return true
	}
	if g.size == len(g.ring) {
		g.evict()
	}
	g.ring[(g.head+g.size)%len(g.ring)] = delivery{key: key, at: now}
	g.size++
	g.seen[key] = now
	return false
}

// evict forgets the oldest delivery, unless its id was recorded again
// since (a later entry of the ring holds it then).
func (g *replayGuard) evict() {
	old := g.ring[g.head]
	if at, ok := g.seen[old.key]; ok && at.Equal(old.at) {
		delete(g.seen, old.key)
	}
	g.ring[g.head] = delivery{}
	g.head = (g.head + 1) % len(g.ring)
	g.size--
}
