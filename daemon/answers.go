package daemon

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"sync"
	"unsafe"

	"github.com/sluice-dev/sluice/redact"
)

// maxCachedAnswer is the largest answer kept encoded: a status carrying
// a plan of thousands of actions is encoded again on each request rather
// than held in memory twice.
const maxCachedAnswer = 4 << 20

// smallSlice is the longest slice a key holds by value (an environment's
// newest runs, rebuilt for every status); longer ones are held by
// identity.
const smallSlice = 64

// answerCache keeps the JSON encoding of the status answers (GET
// /api/v1/environments and the views of one environment) between the
// changes of what they show, so that a dashboard polling an idle daemon
// costs a lookup, not an encoding of every pipeline's graph.
//
// An entry is valid while its key, taken from the statuses the answer
// shows, is the same: every field by value, except slices, maps and
// pointers, which are compared by identity (and held, so an address is
// not reused while it is compared). That is exact because the daemon
// replaces a status's pipelines, holds and pending plan whole when they
// change (record.go, outcome.go) and never changes them in place; a new
// status field of any kind is covered without a change here. Short
// slices of comparable elements (the newest runs, rebuilt on each read)
// are compared by value. Answers are stored before redaction too, and
// redacted again whenever the redactor's secrets changed since (its
// generation), so a secret learned after an answer was encoded is still
// masked.
type answerCache struct {
	mu      sync.Mutex
	entries map[string]cachedAnswer
}

type cachedAnswer struct {
	key  []any
	body []byte
	// redacted is body redacted under the redactor's generation gen;
	// nil until the first write.
	redacted []byte
	gen      uint64
}

// sliceRef identifies a slice by its backing array and length; the
// pointer keeps the array alive while the key is held.
type sliceRef struct {
	data unsafe.Pointer
	n    int
}

// answerKey returns the key of an answer showing statuses, or nil when
// a status holds a field that cannot be compared (the answer is then
// never cached).
func answerKey(statuses ...Status) []any {
	var key []any
	for _, s := range statuses {
		var ok bool
		if key, ok = appendKey(key, reflect.ValueOf(s)); !ok {
			return nil
		}
	}
	return key
}

// appendKey appends what identifies v's JSON to key.
func appendKey(key []any, v reflect.Value) ([]any, bool) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type().Comparable() {
			return append(key, v.Interface()), true
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				return nil, false
			}
			var ok bool
			if key, ok = appendKey(key, v.Field(i)); !ok {
				return nil, false
			}
		}
		return key, true
	case reflect.Slice:
		if v.Len() <= smallSlice && v.Type().Elem().Comparable() {
			key = append(key, v.Len(), v.IsNil())
			for i := range v.Len() {
				key = append(key, v.Index(i).Interface())
			}
			return key, true
		}
		return append(key, sliceRef{data: v.UnsafePointer(), n: v.Len()}), true
	case reflect.Map, reflect.Pointer:
		return append(key, v.UnsafePointer()), true
	case reflect.Interface, reflect.Func, reflect.Chan, reflect.Array, reflect.UnsafePointer:
		return nil, false
	default:
		return append(key, v.Interface()), true
	}
}

func sameKey(a, b []any) bool {
	if a == nil || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// encoded returns the indented JSON of value's result for the answer
// called name, redacted by r, from the cache while key and r's secrets
// are unchanged; false when the value cannot be encoded.
func (c *answerCache) encoded(name string, key []any, r *redact.Redactor, value func() any) ([]byte, bool) {
	gen := r.Generation() // before redacting: a Set meanwhile makes the next call redact again
	c.mu.Lock()
	e, ok := c.entries[name]
	c.mu.Unlock()
	if ok && sameKey(key, e.key) {
		if e.redacted != nil && e.gen == gen {
			return e.redacted, true
		}
		e.redacted, e.gen = r.Bytes(e.body), gen
		c.store(name, e)
		return e.redacted, true
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(value()); err != nil {
		return nil, false
	}
	e = cachedAnswer{key: key, body: b.Bytes(), redacted: r.Bytes(b.Bytes()), gen: gen}
	if key != nil && b.Len() <= maxCachedAnswer {
		c.store(name, e)
	} else {
		c.mu.Lock()
		delete(c.entries, name)
		c.mu.Unlock()
	}
	return e.redacted, true
}

func (c *answerCache) store(name string, e cachedAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedAnswer{}
	}
	c.entries[name] = e
}

// writeStatusJSON answers 200 with value, a view of statuses, through the
// answer cache; name identifies the view (route and environment).
func (d *Daemon) writeStatusJSON(w http.ResponseWriter, name string, statuses []Status, value func() any) {
	body, ok := d.answers.encoded(name, answerKey(statuses...), d.redact, value)
	if !ok {
		d.writeJSON(w, http.StatusOK, value())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
