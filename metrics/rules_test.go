package metrics_test

import (
	"os"
	"os/exec"
	"testing"
)

// promtool returns the path of promtool, skipping the test when it is not
// on PATH unless SLUICE_REQUIRE_PROMTOOL=1 says it must be.
func promtool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err == nil {
		return path
	}
	if os.Getenv("SLUICE_REQUIRE_PROMTOOL") == "1" {
		t.Fatalf("promtool is required (SLUICE_REQUIRE_PROMTOOL=1): %v", err)
	}
	t.Skip("promtool is not on PATH")
	return ""
}

func TestAlertRulesWithPromtool(t *testing.T) {
	bin := promtool(t)
	for _, args := range [][]string{
		{"check", "rules", alertsFile},
		{"test", "rules", alertsTestFile},
	} {
		out, err := exec.CommandContext(t.Context(), bin, args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}
