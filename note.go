package sluice

import "encoding/json"

// Note is what a plan says about a field a document leaves out that
// Sluice leaves as it is in AWS (there is no default to go back to, or
// AWS cannot change it in place): removing such a field changes nothing,
// and the plan says so instead of letting it diverge silently.
type Note struct {
	// Key is the spec key the field compiles to, a dot path for a nested
	// one ("computeResources.securityGroupIds").
	Key string `json:"key"`
	// Text says what leaving the field out does.
	Text string `json:"text"`
}

// Applies reports whether the note concerns a change from applied (the
// spec last applied) to desired: the field was in applied and is no
// longer in desired, so AWS keeps what it had.
func (n Note) Applies(applied, desired json.RawMessage) bool {
	return specHas(applied, n.Key) && !specHas(desired, n.Key)
}

// specHas reports whether the JSON object spec holds a value other than
// null at the dot path key.
func specHas(spec json.RawMessage, key string) bool {
	var v any
	if json.Unmarshal(spec, &v) != nil {
		return false
	}
	for start := 0; ; {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		end := start
		for end < len(key) && key[end] != '.' {
			end++
		}
		if v, ok = m[key[start:end]]; !ok || v == nil {
			return false
		}
		if end == len(key) {
			return true
		}
		start = end + 1
	}
}
