package awsapi

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseRate reads one quota override, "KEY=PERSECOND[/BURST]": KEY is
// "ServiceID.Operation" as in DefaultRates, "ServiceID.*" (each operation
// of the service) or "*", PERSECOND a positive
// number, BURST a positive whole number (default: one second's worth,
// at least 1). Errors name the part that is wrong.
func ParseRate(s string) (string, Rate, error) {
	key, value, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok || !validRateKey(key) {
		return "", Rate{}, fmt.Errorf("quota %q: want SERVICE.OPERATION=PERSECOND[/BURST], e.g. SFN.CreateStateMachine=2/150", s)
	}
	perSecond, burst, hasBurst := strings.Cut(value, "/")
	r := Rate{}
	var err error
	if r.PerSecond, err = strconv.ParseFloat(perSecond, 64); err != nil || r.PerSecond <= 0 {
		return "", Rate{}, fmt.Errorf("quota %q: requests per second %q: want a positive number", s, perSecond)
	}
	r.Burst = max(int(r.PerSecond), 1)
	if hasBurst {
		if r.Burst, err = strconv.Atoi(burst); err != nil || r.Burst < 1 {
			return "", Rate{}, fmt.Errorf("quota %q: burst %q: want a positive whole number", s, burst)
		}
	}
	return key, r, nil
}

// ParseRates reads quota overrides (see ParseRate), one per entry; a key
// given twice is an error.
func ParseRates(entries []string) (map[string]Rate, error) {
	out := make(map[string]Rate, len(entries))
	for _, e := range entries {
		key, r, err := ParseRate(e)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("quota %s given twice", key)
		}
		out[key] = r
	}
	return out, nil
}

// validRateKey reports whether key is "*" or "Service.Operation" with
// neither part empty.
func validRateKey(key string) bool {
	if key == "*" {
		return true
	}
	service, op, ok := strings.Cut(key, ".")
	return ok && strings.TrimSpace(service) == service && service != "" && op != "" && !strings.ContainsAny(op, ". ") &&
		(op == "*" || !strings.Contains(op, "*"))
}
