package compile

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// obj is a JSON object under construction. Its members are written in
// sorted key order whatever order they were added in, so every spec comes
// out in one canonical form without going through maps and reflection.
type obj []kv

type kv struct {
	k string
	v any
}

// set adds a member (nothing checks for duplicate keys: callers add each
// key once).
func (o *obj) set(k string, v any) { *o = append(*o, kv{k, v}) }

// setIf adds a member when cond holds.
func (o *obj) setIf(cond bool, k string, v any) {
	if cond {
		o.set(k, v)
	}
}

// rawJSON is JSON already encoded canonically.
type rawJSON []byte

// literalJSON is a constant JSON text, written as is: a constant boxed
// in an interface costs no allocation, where a list or an object does.
type literalJSON string

// writeJSON appends the canonical JSON encoding of v to buf: object keys
// sorted, no insignificant whitespace, numbers as encoding/json writes
// them, and no HTML escaping (so shell commands stay readable). Values of
// a type it does not know are written as null.
func writeJSON(buf []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...)
	case obj:
		return writeObj(buf, v)
	case string:
		return writeString(buf, v)
	case bool:
		return strconv.AppendBool(buf, v)
	case int:
		return strconv.AppendInt(buf, int64(v), 10)
	case int64:
		return strconv.AppendInt(buf, v, 10)
	case float64:
		return writeFloat(buf, v)
	case []any:
		return writeList(buf, len(v), func(b []byte, i int) []byte { return writeJSON(b, v[i]) })
	case []obj:
		return writeList(buf, len(v), func(b []byte, i int) []byte { return writeObj(b, v[i]) })
	case []string:
		return writeList(buf, len(v), func(b []byte, i int) []byte { return writeString(b, v[i]) })
	case map[string]any:
		return writeMap(buf, v)
	case map[string]string:
		keys := sortedKeys(v)
		return writeMembers(buf, len(keys), func(i int) string { return keys[i] },
			func(b []byte, i int) []byte { return writeString(b, v[keys[i]]) })
	case rawJSON:
		return append(buf, v...)
	case literalJSON:
		return append(buf, v...)
	case nameValues:
		return v.writeTo(buf)
	case secretList:
		return v.writeTo(buf)
	case resourceRequirements:
		return v.writeTo(buf)
	}
	return append(buf, "null"...)
}

func writeObj(buf []byte, o obj) []byte {
	if !slices.IsSortedFunc(o, cmpKV) {
		slices.SortStableFunc(o, cmpKV)
	}
	return writeMembers(buf, len(o), func(i int) string { return o[i].k },
		func(b []byte, i int) []byte { return writeJSON(b, o[i].v) })
}

func cmpKV(a, b kv) int { return strings.Compare(a.k, b.k) }

func writeMap(buf []byte, m map[string]any) []byte {
	keys := sortedKeys(m)
	return writeMembers(buf, len(keys), func(i int) string { return keys[i] },
		func(b []byte, i int) []byte { return writeJSON(b, m[keys[i]]) })
}

func writeMembers(buf []byte, n int, key func(int) string, value func([]byte, int) []byte) []byte {
	buf = append(buf, '{')
	for i := range n {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = writeString(buf, key(i))
		buf = append(buf, ':')
		buf = value(buf, i)
	}
	return append(buf, '}')
}

func writeList(buf []byte, n int, item func([]byte, int) []byte) []byte {
	buf = append(buf, '[')
	for i := range n {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = item(buf, i)
	}
	return append(buf, ']')
}

// writeFloat formats like encoding/json: plain notation between 1e-6 and
// 1e21, exponent notation outside, shortest representation.
func writeFloat(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		n := len(buf)
		if n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf
}

const hexDigits = "0123456789abcdef"

// writeString writes s as a JSON string, escaping quotes, backslashes,
// control characters and U+2028/U+2029, and replacing invalid UTF-8.
func writeString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			buf = escapeByte(buf, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			if r == utf8.RuneError {
				buf = append(buf, `\ufffd`...)
			} else {
				buf = append(buf, `\u202`...)
				buf = append(buf, hexDigits[r&0xF])
			}
			start = i + size
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

func escapeByte(buf []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(buf, '\\', c)
	case '\n':
		return append(buf, '\\', 'n')
	case '\r':
		return append(buf, '\\', 'r')
	case '\t':
		return append(buf, '\\', 't')
	}
	return append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
