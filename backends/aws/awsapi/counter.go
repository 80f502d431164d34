package awsapi

import (
	"strings"
	"sync"
)

// RetryResult is the Result of the Key under which Counter keeps retries.
const RetryResult = "retry"

// Key identifies one count: an operation of a service and a result
// (ResultOK, ResultThrottled, ResultError or RetryResult).
type Key struct {
	Service   string
	Operation string
	Result    string
}

// Counter is a Recorder that keeps counts in memory. It is safe for
// concurrent use; the zero value is ready to use.
type Counter struct {
	mu     sync.Mutex
	counts map[Key]int
}

// Record counts one attempt.
func (c *Counter) Record(service, operation, result string) {
	c.add(Key{Service: service, Operation: operation, Result: result})
}

// RecordRetry counts one retry.
func (c *Counter) RecordRetry(service, operation string) {
	c.add(Key{Service: service, Operation: operation, Result: RetryResult})
}

func (c *Counter) add(k Key) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[Key]int{}
	}
	c.counts[k]++
}

// Snapshot returns a copy of the counts.
func (c *Counter) Snapshot() map[Key]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[Key]int, len(c.counts))
	for k, n := range c.counts {
		out[k] = n
	}
	return out
}

// Calls returns how many calls of operation on service were made, each
// call counted once however many attempts it took.
func (c *Counter) Calls(service, operation string) int {
	n := 0
	for k, v := range c.Snapshot() {
		if k.Service == service && k.Operation == operation {
			n += signed(k.Result, v)
		}
	}
	return n
}

// Mutations returns how many calls of mutating operations (see
// IsMutation) were made, each counted once however many attempts it took.
func (c *Counter) Mutations() int {
	n := 0
	for k, v := range c.Snapshot() {
		if IsMutation(k.Operation) {
			n += signed(k.Result, v)
		}
	}
	return n
}

// Reset forgets every count.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = nil
}

// signed counts attempts positively and retries negatively, so that a sum
// over an operation's keys is its number of calls.
func signed(result string, n int) int {
	if result == RetryResult {
		return -n
	}
	return n
}

// mutatingPrefixes start the names of operations that change something.
func mutatingPrefixes() []string {
	return []string{"Create", "Update", "Put", "Delete", "Register", "Deregister",
		"Tag", "Untag", "Modify", "Add", "Remove", "Start"}
}

// IsMutation reports whether an operation name says it changes something
// (CreateStateMachine, TagResource, ModifyDBInstance, ...).
func IsMutation(operation string) bool {
	for _, p := range mutatingPrefixes() {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}
