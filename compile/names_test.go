package compile

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestPhysicalNamesValid generates names of every shape and checks each
// service's rule holds, and that distinct inputs stay distinct.
func TestPhysicalNamesValid(t *testing.T) {
	rules := []struct {
		name string
		rule nameRule
		re   *regexp.Regexp
	}{
		{"state machine", ruleStateMachine(), regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)},
		{"batch", ruleBatch(), regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)},
		{"bucket", ruleBucket(), regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)},
		{"rds", ruleRDS(), regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)},
		{"schedule", ruleSchedule(), regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := "abcXYZ019-_.--/ é"
	for _, r := range rules {
		seen := map[string]string{}
		for i := 0; i < 3000; i++ {
			var parts []string
			for j := 0; j < 3; j++ {
				n := rng.IntN(60)
				var b strings.Builder
				for k := 0; k < n; k++ {
					b.WriteByte(alphabet[rng.IntN(len(alphabet))])
				}
				parts = append(parts, b.String())
			}
			got := physicalName(r.rule, parts...)
			if !r.re.MatchString(got) || (r.rule.noDoubleHyphen && (strings.Contains(got, "--") || strings.HasSuffix(got, "-"))) {
				t.Fatalf("%s: %q gives invalid name %q", r.name, parts, got)
			}
			full := strings.Join(parts, "-")
			if prev, dup := seen[got]; dup && prev != full {
				t.Fatalf("%s: %q and %q both give %q", r.name, prev, full, got)
			}
			seen[got] = full
		}
	}
}

func TestPhysicalNames(t *testing.T) {
	tests := []struct {
		rule  nameRule
		parts []string
		want  string
	}{
		{ruleStateMachine(), []string{"churn", "dev", "training"}, "churn-dev-training"},
		{ruleBatch(), []string{"churn", "dev", "train_fit"}, "churn-dev-train_fit"},
		{ruleBucket(), []string{"churn", "Dev", "artifacts"}, "churn-dev-artifacts-"},
		{ruleRDS(), []string{"churn", "dev", "meta--data"}, "churn-dev-meta-data-"},
		{ruleStateMachine(), []string{"p", "e", strings.Repeat("n", 90)}, "p-e-" + strings.Repeat("n", 67) + "-"},
	}
	for _, tt := range tests {
		got := physicalName(tt.rule, tt.parts...)
		// Names that had to change end with a hash suffix.
		if strings.HasSuffix(tt.want, "-") {
			if !strings.HasPrefix(got, tt.want) || len(got) != len(tt.want)+hashLen {
				t.Errorf("physicalName(%q) = %q, want %q and a hash", tt.parts, got, tt.want)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("physicalName(%q) = %q, want %q", tt.parts, got, tt.want)
		}
	}
}

func TestParseSeconds(t *testing.T) {
	tests := map[string]int{"30s": 30, "5m": 300, "2h": 7200, "1d": 86400, "1h30m": 5400, "500ms": 1, "1m1s": 61}
	for in, want := range tests {
		if got, err := parseSeconds(in); err != nil || got != want {
			t.Errorf("parseSeconds(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "10", "s", "1y", "1h 2m", "-1s", "99999999999999999d"} {
		if _, err := parseSeconds(bad); err == nil {
			t.Errorf("parseSeconds(%q) accepted", bad)
		}
	}
}
