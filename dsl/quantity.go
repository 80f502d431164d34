package dsl

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Quantity is an amount of memory in MiB. In YAML it is a whole number of
// MiB or a string with a unit: "512Mi", "8Gi", "1Ti" (binary) or "500M",
// "8G" (decimal, rounded up to whole MiB).
type Quantity int64

// UnmarshalJSON accepts a number of MiB or a string with a unit.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseQuantity(s)
		if err != nil {
			return err
		}
		*q = v
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*q = Quantity(math.Ceil(f))
	return nil
}

// MiB returns the quantity in MiB.
func (q Quantity) MiB() int64 { return int64(q) }

// ParseQuantity reads "8Gi", "512Mi", "500M", "2G", "1Ti" or a bare number
// of MiB. It fails on any other form.
func ParseQuantity(s string) (Quantity, error) {
	units := []struct {
		suffix string
		mib    float64
	}{
		{"Ki", 1.0 / 1024}, {"Mi", 1}, {"Gi", 1024}, {"Ti", 1024 * 1024},
		{"K", 1000.0 / 1048576}, {"M", 1e6 / 1048576}, {"G", 1e9 / 1048576}, {"T", 1e12 / 1048576},
	}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("quantity %q: want a number followed by Mi, Gi, Ti, M, G or T", s)
			}
			return Quantity(math.Ceil(f * u.mib)), nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("quantity %q: want a number followed by Mi, Gi, Ti, M, G or T", s)
	}
	return Quantity(math.Ceil(f)), nil
}

// Command is what a step runs. In YAML it is a list of arguments or one
// string, which runs through "sh -c".
type Command []string

// UnmarshalJSON accepts a list of strings or one shell string.
func (c *Command) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = Command{"sh", "-c", s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*c = list
	return nil
}

func (q *Quantity) decodePlain(v any) error {
	switch x := v.(type) {
	case string:
		n, err := ParseQuantity(x)
		if err != nil {
			return err
		}
		*q = n
	case int64:
		*q = Quantity(x)
	case float64:
		*q = Quantity(math.Ceil(x))
	default:
		return fmt.Errorf("want a memory size such as 8Gi or a number of MiB, got %T", v)
	}
	return nil
}

func (c *Command) decodePlain(v any) error {
	switch x := v.(type) {
	case string:
		*c = Command{"sh", "-c", x}
	case []any:
		list := make(Command, len(x))
		for i, item := range x {
			s, ok := item.(string)
			if !ok {
				return fmt.Errorf("%d: want a string, got %T", i, item)
			}
			list[i] = s
		}
		*c = list
	default:
		return fmt.Errorf("want a list of strings or one string, got %T", v)
	}
	return nil
}
