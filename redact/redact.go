package redact

import (
	"bytes"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Mask replaces every secret value found.
const Mask = "[REDACTED]"

// MinLength is the shortest value redacted: a shorter one would mask
// ordinary text everywhere it occurs. Values given to Set that are
// shorter are ignored and counted by Short.
const MinLength = 4

// Redactor replaces the secret values it holds with Mask. The zero value
// holds none; it is safe for concurrent use, and Set may be called while
// other goroutines redact (a configuration reload).
type Redactor struct {
	mu       sync.RWMutex
	replacer *strings.Replacer
	short    int
	gen      uint64
}

// New returns a Redactor holding values.
func New(values ...[]byte) *Redactor {
	r := &Redactor{}
	r.Set(values...)
	return r
}

// Set replaces the values the Redactor holds. Each value is held as
// written and in its JSON-, HTML- and URL-escaped forms, and so is each
// line of a value of several lines (a private key printed line by line).
func (r *Redactor) Set(values ...[]byte) {
	forms := map[string]bool{}
	short := 0
	for _, v := range values {
		s := strings.TrimSpace(string(v))
		if len(s) < MinLength {
			short++
			continue
		}
		addForms(forms, s)
		for _, line := range strings.Split(s, "\n") {
			if line = strings.TrimSpace(line); len(line) >= MinLength {
				addForms(forms, line)
			}
		}
	}
	var replacer *strings.Replacer
	if len(forms) > 0 {
		replacer = strings.NewReplacer(pairs(forms)...)
	}
	r.mu.Lock()
	r.replacer, r.short = replacer, short
	r.gen++
	r.mu.Unlock()
}

// Generation counts the calls to Set: text redacted while it was the
// same is redacted alike, so a caller may keep redacted text until it
// changes (read it before redacting). A nil Redactor's is 0.
func (r *Redactor) Generation() uint64 {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.gen
}

// Short returns how many values the last Set ignored as shorter than
// MinLength.
func (r *Redactor) Short() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.short
}

// String returns s with every secret value replaced by Mask. A nil
// Redactor returns s unchanged.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	rep := r.replacer
	r.mu.RUnlock()
	if rep == nil {
		return s
	}
	return rep.Replace(s)
}

// Bytes is String for a byte slice; it returns b itself when nothing was
// replaced.
func (r *Redactor) Bytes(b []byte) []byte {
	s := r.String(string(b))
	if len(s) == len(b) && s == string(b) {
		return b
	}
	return []byte(s)
}

// addForms adds s as written and in the escaped forms it takes in JSON
// text and URLs.
func addForms(forms map[string]bool, s string) {
	forms[s] = true
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			forms[strings.TrimSuffix(strings.TrimSuffix(b.String(), "\n"), `"`)[1:]] = true
		}
	}
	forms[html.EscapeString(s)] = true
	forms[url.QueryEscape(s)] = true
	forms[url.PathEscape(s)] = true
}

// pairs returns the replacer's arguments, longest value first so that a
// secret containing another is masked whole.
func pairs(forms map[string]bool) []string {
	keys := make([]string, 0, len(forms))
	for k := range forms {
		if k != "" {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	out := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, k, Mask)
	}
	return out
}
