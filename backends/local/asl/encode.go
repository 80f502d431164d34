package asl

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// The interpreter writes JSON itself rather than through json.Marshal:
// an execution encodes the same data again and again (every history
// event carries a state's input and output, and every task of a foreach
// copy gets the run's parameters as JSON), and values are never changed
// in place, so the text of a large object or array can be kept and
// reused. Strings are escaped as Step Functions does, without
// json.Marshal's HTML escaping of <, > and &.

// encCache keeps the text of the large objects and arrays an execution
// encoded, keyed by their identity. Each entry holds the value itself,
// so its memory cannot be reused by another value while cached.
type encCache struct {
	m    sync.Map  // encKey → cachedText
	bufs sync.Pool // *[]byte to encode into
}

type encKey struct {
	ptr uintptr
	n   int
}

type cachedText struct {
	keep any
	text []byte
}

// minCached is the size from which an object's or array's text is kept.
const minCached = 256

// encode returns a value's JSON text, reusing what the execution already
// encoded.
// The text of a large object or array is the cached one itself: history
// events that carry the same data share its memory.
func (r *run) encode(v any) json.RawMessage {
	key, container := identity(v)
	if container {
		if hit, ok := r.enc.m.Load(key); ok {
			return hit.(cachedText).text
		}
	}
	buf, _ := r.enc.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	*buf = appendJSON((*buf)[:0], v, &r.enc)
	defer r.enc.bufs.Put(buf)
	if container {
		if hit, ok := r.enc.m.Load(key); ok {
			return hit.(cachedText).text
		}
	}
	return bytes.Clone(*buf)
}

// identity returns the cache key of a non-empty object or array.
func identity(v any) (encKey, bool) {
	switch t := v.(type) {
	case map[string]any:
		return encKey{ptr: uintptr(reflect.ValueOf(v).UnsafePointer()), n: len(t)}, len(t) > 0
	case []any:
		return encKey{ptr: uintptr(reflect.ValueOf(v).UnsafePointer()), n: len(t)}, len(t) > 0
	}
	return encKey{}, false
}

func appendJSON(b []byte, v any, c *encCache) []byte {
	switch t := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, t)
	case json.Number:
		return append(b, t...)
	case bool:
		return strconv.AppendBool(b, t)
	case map[string]any:
		return c.container(b, v, len(t), func(b []byte) []byte { return appendObject(b, t, c) })
	case []any:
		return c.container(b, v, len(t), func(b []byte) []byte { return appendArray(b, t, c) })
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, raw...)
}

// container appends an object's or array's text, from the cache when it
// was encoded before.
func (c *encCache) container(b []byte, v any, n int, write func([]byte) []byte) []byte {
	if c == nil || n == 0 {
		return write(b)
	}
	key, _ := identity(v)
	if hit, ok := c.m.Load(key); ok {
		return append(b, hit.(cachedText).text...)
	}
	start := len(b)
	b = write(b)
	if len(b)-start >= minCached {
		c.m.Store(key, cachedText{keep: v, text: bytes.Clone(b[start:])})
	}
	return b
}

func appendObject(b []byte, m map[string]any, c *encCache) []byte {
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendJSON(b, m[k], c)
	}
	return append(b, '}')
}

func appendArray(b []byte, a []any, c *encCache) []byte {
	b = append(b, '[')
	for i, v := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSON(b, v, c)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string, escaping quotes, backslashes
// and control characters, and replacing invalid UTF-8.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = slices.Grow(b, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			b = utf8.AppendRune(b, r)
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}
