package eventsfake

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// parsePattern reads a pattern, failing on what the fake does not
// recognise as one.
func parsePattern(raw string) (map[string]any, error) {
	var p map[string]any
	if err := json.Unmarshal([]byte(raw), &p); err != nil || p == nil {
		return nil, fmt.Errorf("event pattern is not a JSON object")
	}
	return p, checkPattern(p)
}

// checkPattern checks p's forms: objects of objects, arrays of values or
// content filters, "$or" lists of patterns.
func checkPattern(p map[string]any) error {
	for k, v := range p {
		switch v := v.(type) {
		case map[string]any:
			if err := checkPattern(v); err != nil {
				return err
			}
		case []any:
			if k == "$or" {
				for _, alt := range v {
					m, ok := alt.(map[string]any)
					if !ok {
						return fmt.Errorf("$or holds a non-object")
					}
					if err := checkPattern(m); err != nil {
						return err
					}
				}
				continue
			}
			for _, item := range v {
				if err := checkFilter(item); err != nil {
					return fmt.Errorf("%s: %w", k, err)
				}
			}
		default:
			return fmt.Errorf("%s: a field's values must be in an array", k)
		}
	}
	return nil
}

func checkFilter(item any) error {
	f, ok := item.(map[string]any)
	if !ok {
		return nil
	}
	if len(f) != 1 {
		return fmt.Errorf("a content filter has one key")
	}
	for k := range f {
		switch k {
		case "prefix", "exists", "anything-but":
			return nil
		}
		return fmt.Errorf("content filter %q is not covered by the fake", k)
	}
	return nil
}

// matches reports whether the event (an object) matches pattern p.
func matches(p map[string]any, event map[string]any) bool {
	for k, v := range p {
		if k == "$or" {
			if !anyMatches(v.([]any), event) {
				return false
			}
			continue
		}
		field, present := event[k]
		switch v := v.(type) {
		case map[string]any:
			sub, ok := field.(map[string]any)
			if !ok || !matches(v, sub) {
				return false
			}
		case []any:
			if !fieldMatches(v, field, present) {
				return false
			}
		}
	}
	return true
}

func anyMatches(alts []any, event map[string]any) bool {
	for _, alt := range alts {
		if matches(alt.(map[string]any), event) {
			return true
		}
	}
	return false
}

// fieldMatches reports whether a field's value (any element of it, when
// it is an array) is one of the values or filters allowed.
func fieldMatches(allowed []any, field any, present bool) bool {
	values := []any{field}
	if arr, ok := field.([]any); ok {
		values = arr
	}
	for _, a := range allowed {
		if f, ok := a.(map[string]any); ok {
			if exists, ok := f["exists"].(bool); ok {
				if exists == present {
					return true
				}
				continue
			}
		}
		if !present {
			continue
		}
		for _, v := range values {
			if valueMatches(a, v) {
				return true
			}
		}
	}
	return false
}

func valueMatches(allowed, v any) bool {
	f, ok := allowed.(map[string]any)
	if !ok {
		return reflect.DeepEqual(allowed, v)
	}
	if prefix, ok := f["prefix"].(string); ok {
		s, ok := v.(string)
		return ok && strings.HasPrefix(s, prefix)
	}
	if but, ok := f["anything-but"]; ok {
		list, isList := but.([]any)
		if !isList {
			list = []any{but}
		}
		for _, b := range list {
			if reflect.DeepEqual(b, v) {
				return false
			}
		}
		return true
	}
	return false
}
