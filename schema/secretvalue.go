package schema

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// hiddenValue stands, in a message, for a value that is not repeated.
const hiddenValue = "the value written there (not shown: it may be a secret)"

// secretWords are the parts of a field name that say it holds a secret.
func secretWords() []string {
	return []string{"password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "credential", "private_key", "privatekey"}
}

// holdsSecret reports whether the value at path may be a secret: it is
// under secrets (whose values must be references, so a refused one is
// likely the secret itself), or its field is named like a secret.
func holdsSecret(path []string) bool {
	for _, seg := range path {
		if seg == "secrets" {
			return true
		}
	}
	if len(path) == 0 {
		return false
	}
	name := strings.ToLower(path[len(path)-1])
	for _, w := range secretWords() {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// withoutValue returns msg with every quotation of val replaced by
// hiddenValue: a finding never echoes what may be a secret.
func withoutValue(msg string, val any) string {
	var text string
	switch v := val.(type) {
	case string:
		text = v
	case json.Number:
		text = v.String()
	case float64, float32, int, int64, uint64:
		text = fmt.Sprint(v)
	default:
		return msg
	}
	if text == "" {
		return msg
	}
	q := strconv.Quote(text)
	for _, form := range []string{"a string (" + shorten(q) + ")", q, shorten(q), text} {
		msg = strings.ReplaceAll(msg, form, hiddenValue)
	}
	return msg
}
