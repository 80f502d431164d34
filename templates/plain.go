package templates

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
)

// placeholderRE matches ${values.NAME}; the submatch is NAME.
var placeholderRE = regexp.MustCompile(`\$\{values\.([A-Za-z_][A-Za-z0-9_]*)\}`)

// substitute returns a copy of v with every placeholder replaced: a string
// that is exactly one placeholder becomes the value itself, with its type;
// a placeholder inside a longer string is replaced by the value's text. It
// fails on a placeholder naming an undeclared value and on a list or
// object placed inside a string.
func substitute(v any, values map[string]any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			s, err := substitute(item, values)
			if err != nil {
				return nil, err
			}
			out[k] = s
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			s, err := substitute(item, values)
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	case string:
		return substituteString(x, values)
	}
	return v, nil
}

func substituteString(s string, values map[string]any) (any, error) {
	if m := placeholderRE.FindStringSubmatchIndex(s); m != nil && m[0] == 0 && m[1] == len(s) {
		name := s[m[2]:m[3]]
		v, ok := values[name]
		if !ok {
			return nil, fmt.Errorf("%q uses undeclared value %q", s, name)
		}
		return deepCopy(v), nil
	}
	var err error
	out := placeholderRE.ReplaceAllStringFunc(s, func(p string) string {
		name := placeholderRE.FindStringSubmatch(p)[1]
		v, ok := values[name]
		if !ok {
			err = fmt.Errorf("%q uses undeclared value %q", s, name)
			return p
		}
		text, terr := inlineText(name, v)
		if terr != nil {
			err = terr
		}
		return text
	})
	return out, err
}

// inlineText is the text of a scalar value placed inside a string.
func inlineText(name string, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("value %q is %s and cannot be placed inside a string", name, describe(v))
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = deepCopy(item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = deepCopy(item)
		}
		return out
	}
	return v
}

// normalize converts a Go value to the plain forms the dsl package uses:
// every integer to int64, every float to float64, string lists and maps
// to []any and map[string]any. It fails on anything else.
func normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return v, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out, nil
	case []any:
		return normalizeList(x)
	case map[string]any:
		return normalizeMap(x)
	}
	return nil, fmt.Errorf("%T is not a value a document can hold", v)
}

func normalizeList(x []any) (any, error) {
	out := make([]any, len(x))
	for i, item := range x {
		n, err := normalize(item)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func normalizeMap(x map[string]any) (any, error) {
	out := make(map[string]any, len(x))
	for k, item := range x {
		n, err := normalize(item)
		if err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, nil
}

// describe names a value's type for a message, with the value itself when
// it is a short scalar: `a string ("two")`.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return fmt.Sprintf("a string (%q)", x)
	case int, int32, int64:
		return fmt.Sprintf("an integer (%d)", x)
	case float32, float64:
		return fmt.Sprintf("a number (%v)", x)
	case bool:
		return fmt.Sprintf("a boolean (%t)", x)
	case []any, []string:
		return "a list"
	case map[string]any, map[string]string:
		return "an object"
	}
	b, _ := json.Marshal(v)
	return fmt.Sprintf("%T (%s)", v, b)
}
