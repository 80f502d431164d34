package compile

import (
	"errors"
	"fmt"
	"math"
)

// parseSeconds reads a DSL duration ("30s", "5m", "2h", "1d", "500ms",
// combined as "1h30m") and returns it in whole seconds, rounded up. It
// fails on any other form and on durations beyond a hundred years.
func parseSeconds(s string) (int, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total float64
	for i := 0; i < len(s); {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if start == i || i-start > 12 {
			return 0, fmt.Errorf("duration %q: want a number and a unit, such as 30s, 5m, 2h or 1d", s)
		}
		var n float64
		for _, c := range s[start:i] {
			n = n*10 + float64(c-'0')
		}
		unit, size := durationUnit(s[i:])
		if size == 0 {
			return 0, fmt.Errorf("duration %q: unknown unit; use ms, s, m, h or d", s)
		}
		total += n * unit
		i += size
	}
	if total > 100*365*86400 {
		return 0, fmt.Errorf("duration %q is longer than a hundred years", s)
	}
	return int(math.Ceil(total)), nil
}

// durationUnit returns the seconds in the unit at the start of s and the
// unit's length, or 0, 0.
func durationUnit(s string) (float64, int) {
	switch {
	case len(s) >= 2 && s[:2] == "ms":
		return 0.001, 2
	case len(s) >= 1 && s[0] == 's':
		return 1, 1
	case len(s) >= 1 && s[0] == 'm':
		return 60, 1
	case len(s) >= 1 && s[0] == 'h':
		return 3600, 1
	case len(s) >= 1 && s[0] == 'd':
		return 86400, 1
	}
	return 0, 0
}
