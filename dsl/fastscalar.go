package dsl

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Scalars, keys and flow collections of the fast reader (readFast): each
// either reads exactly what yaml.v3 reads or declines.

type keyStatus int

const (
	keyNone  keyStatus = iota // not a key: a scalar
	keyFound                  // a key, then ':'
	keyBad                    // something the fast reader declines
)

// maxFastKey is below yaml.v3's limit of 1,024 characters for a key
// written without "?".
const maxFastKey = 1000

// fastKey reads a block mapping's key at t[p:]: the key as written (a
// plain key without its trailing spaces, or a quoted key with its quotes,
// for keyText) and the position after its colon.
func fastKey(t []byte, p int) ([]byte, int, keyStatus) {
	if p >= len(t) {
		return nil, 0, keyNone
	}
	if t[p] == '"' || t[p] == '\'' {
		_, q, ok := quoted(t, p)
		if !ok {
			return nil, 0, keyBad
		}
		raw := t[p:q]
		q = skipSpaces(t, q)
		if q < len(t) && t[q] == ':' && (q+1 == len(t) || t[q+1] == ' ') {
			if q-p > maxFastKey {
				return nil, 0, keyBad
			}
			return raw, q + 1, keyFound
		}
		return nil, 0, keyNone
	}
	if plainIndicator(t[p]) {
		return nil, 0, keyNone
	}
	for j := p; j < len(t); j++ {
		switch {
		case t[j] == '#' && t[j-1] == ' ':
			return nil, 0, keyNone
		case t[j] == ':' && (j+1 == len(t) || t[j+1] == ' '):
			k := bytes.TrimRight(t[p:j], " ")
			if j-p > maxFastKey || string(k) == "<<" {
				return nil, 0, keyBad
			}
			return k, j + 1, keyFound
		}
	}
	return nil, 0, keyNone
}

func fastKeyStatus(t []byte, p int) keyStatus {
	_, _, st := fastKey(t, p)
	return st
}

// keyText returns the text of a key fastKey or flowKey read: a quoted
// key's value, a plain key's text, shared with the file's other keys of
// the same text.
func (r *fastReader) keyText(raw []byte) string {
	if raw[0] == '"' || raw[0] == '\'' {
		s, _, _ := quoted(raw, 0)
		return s
	}
	if s, ok := r.keys[string(raw)]; ok {
		return s
	}
	s := string(raw)
	r.keys[s] = s
	return s
}

// text returns a plain scalar's text as a value, shared with the file's
// other plain scalars of the same text: the values are never modified.
func (r *fastReader) text(b []byte) any {
	if v, ok := r.texts[string(b)]; ok {
		return v
	}
	s := string(b)
	var v any = s
	r.texts[s] = v
	return v
}

// plainIndicator reports whether c may not start a plain scalar (the fast
// reader does not read plain scalars starting with "-", "?" or ":" as
// keys either).
func plainIndicator(c byte) bool {
	return strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", c) >= 0
}

// blockPlain reads a plain scalar that ends its line in block context.
func (r *fastReader) blockPlain(t []byte) (any, bool) {
	c := t[0]
	if c == '-' || c == ':' || c == '?' {
		if len(t) == 1 || t[1] == ' ' {
			return nil, false
		}
	} else if plainIndicator(c) {
		return nil, false
	}
	end := len(t)
	for j := 1; j < len(t); j++ {
		if t[j] == '#' && t[j-1] == ' ' {
			end = j
			break
		}
	}
	for end > 0 && t[end-1] == ' ' {
		end--
	}
	s := t[:end]
	for j, b := range s {
		if b == ':' && (j+1 == len(s) || s[j+1] == ' ') {
			return nil, false
		}
	}
	return r.plain(s)
}

// plain resolves a plain scalar (resolvePlain), sharing strings.
func (r *fastReader) plain(b []byte) (any, bool) {
	v, isText, ok := resolvePlain(b)
	if isText {
		return r.text(b), true
	}
	return v, ok
}

// resolvePlain gives a plain scalar the value yaml.v3's resolution and
// the converter give it: the scalar's text itself (isText), or v; or it
// declines (ok false) when it is not certain to. Timestamps are read as
// strings by the converter; a plain scalar made only of characters no
// number can be written without is a string.
func resolvePlain(b []byte) (v any, isText, ok bool) {
	switch string(b) {
	case "", "~", "null", "Null", "NULL":
		return nil, false, true
	case "true", "True", "TRUE":
		return true, false, true
	case "false", "False", "FALSE":
		return false, false, true
	case "<<":
		return nil, false, false
	}
	c := b[0]
	if c != '-' && c != '+' && c != '.' && (c < '0' || c > '9') {
		return nil, true, true
	}
	s := string(b)
	if c == '.' {
		// yaml.v3 reads .inf, .nan and what strconv.ParseFloat reads as
		// floats, anything else as a string.
		if _, err := strconv.ParseFloat(s, 64); err == nil || strings.EqualFold(s, ".inf") || strings.EqualFold(s, ".nan") {
			return nil, false, false
		}
		return nil, true, true
	}
	if (c == '-' || c == '+') && len(b) > 1 && b[1] == '.' {
		return nil, false, false // -.inf, +.5...
	}
	if notNumeric(s) {
		// Some character no integer, float or prefixed number has:
		// yaml.v3 reads a string or a timestamp, a string to Sluice.
		return nil, true, true
	}
	digits, frac := numberShape(s)
	switch {
	case digits > 0 && digits <= 18 && frac < 0:
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v, false, true
		}
	case digits > 0 && frac > 0:
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v, false, true
		}
	}
	return nil, false, false
}

// notNumeric reports whether s cannot be a number to yaml.v3: it holds a
// character outside those numbers are written with (digits, hex digits,
// prefixes, signs, dots, exponents, underscores), a hex digit other than
// e and b without an x (30d, a hash), two dots (versions, addresses), or
// a sign inside that follows neither an exponent's e nor a 0b or 0o
// prefix (dates).
func notNumeric(s string) bool {
	dots := 0
	hex := strings.ContainsAny(s, "xX")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("0123456789abcdefABCDEFxXoObB_+-.eE", c) < 0:
			return true
		case !hex && strings.IndexByte("acdfACDF", c) >= 0:
			return true
		case c == '.':
			dots++
		case (c == '-' || c == '+') && i > 0 && strings.IndexByte("eEbBoO", s[i-1]) < 0:
			return !strings.Contains(s, "_")
		}
	}
	return dots >= 2 && !strings.Contains(s, "_")
}

// numberShape matches s against -?(0|[1-9][0-9]*)(\.[0-9]+)?: the number
// of integer digits (0 when it does not match) and of fraction digits
// (-1 without a fraction).
func numberShape(s string) (digits, frac int) {
	i := 0
	if s[0] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	digits = i - start
	if digits == 0 || (digits > 1 && s[start] == '0') {
		return 0, -1
	}
	if i == len(s) {
		return digits, -1
	}
	if s[i] != '.' {
		return 0, -1
	}
	i++
	fs := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != len(s) || i == fs {
		return 0, -1
	}
	return digits, i - fs
}

// quoted reads a single- or double-quoted scalar that closes on its line:
// its value and the position after the closing quote.
func quoted(t []byte, p int) (string, int, bool) {
	q := t[p]
	var b []byte
	i := p + 1
	plainFrom := i
	for i < len(t) {
		c := t[i]
		switch {
		case c == q && q == '\'' && i+1 < len(t) && t[i+1] == '\'':
			b = append(b, t[plainFrom:i+1]...)
			i += 2
			plainFrom = i
			continue
		case c == q:
			if b == nil {
				return string(t[plainFrom:i]), i + 1, true
			}
			b = append(b, t[plainFrom:i]...)
			return string(b), i + 1, true
		case c == '\\' && q == '"':
			b = append(b, t[plainFrom:i]...)
			n, ok := unescape(&b, t, i)
			if !ok {
				return "", 0, false
			}
			i = n
			plainFrom = i
			continue
		}
		i++
	}
	return "", 0, false // closes on another line, or never
}

// unescape appends the character of the escape at t[i] ("\n", "\x41",
// "\u00e9"...) to b and returns the position after it.
func unescape(b *[]byte, t []byte, i int) (int, bool) {
	if i+1 >= len(t) {
		return 0, false
	}
	if s, ok := simpleEscape(t[i+1]); ok {
		*b = append(*b, s...)
		return i + 2, true
	}
	size := 0
	switch t[i+1] {
	case 'x':
		size = 2
	case 'u':
		size = 4
	case 'U':
		size = 8
	}
	if size == 0 || i+2+size > len(t) {
		return 0, false
	}
	var v rune
	for _, c := range t[i+2 : i+2+size] {
		d := strings.IndexByte("0123456789abcdef", c|0x20)
		if d < 0 || (c >= '0' && c <= '9') != (d < 10) {
			return 0, false
		}
		v = v<<4 | rune(d)
	}
	if (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff || v < 0 {
		return 0, false
	}
	*b = utf8.AppendRune(*b, v)
	return i + 2 + size, true
}

// simpleEscape returns the character of a one-letter escape of a
// double-quoted scalar.
func simpleEscape(c byte) (string, bool) {
	switch c {
	case '0':
		return "\x00", true
	case 'a':
		return "\a", true
	case 'b':
		return "\b", true
	case 't':
		return "\t", true
	case 'n':
		return "\n", true
	case 'v':
		return "\v", true
	case 'f':
		return "\f", true
	case 'r':
		return "\r", true
	case 'e':
		return "\x1b", true
	case ' ', '"', '\'', '\\':
		return string(c), true
	case 'N':
		return "\u0085", true
	case '_':
		return "\u00a0", true
	case 'L':
		return "\u2028", true
	case 'P':
		return "\u2029", true
	}
	return "", false
}
