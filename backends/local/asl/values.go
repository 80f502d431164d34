package asl

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// Values are JSON decoded into any: map[string]any, []any, string,
// json.Number (numbers keep their text, so integers stay exact), bool and
// nil. They are never changed in place once decoded.

// decode parses JSON text into a value.
func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, &json.SyntaxError{Offset: d.InputOffset()}
	}
	return v, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// number returns v as a float64 when it is a JSON number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

// integer returns v as an int when it is a JSON number with no fraction.
func integer(v any) (int, bool) {
	f, ok := number(v)
	if !ok || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

// jsonInt is an int as a decoded JSON value.
func jsonInt(i int) json.Number { return json.Number(strconv.Itoa(i)) }
