package daemon_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// axeSource returns axe-core's script, installed from the npm registry
// by `make axe` (the version .ci/axe/package-lock.json pins); the check
// is skipped without it unless SLUICE_REQUIRE_CHROMIUM=1. SLUICE_AXE may
// name another copy.
func axeSource(t *testing.T) (string, bool) {
	t.Helper()
	path := os.Getenv("SLUICE_AXE")
	if path == "" {
		path = filepath.Join("..", ".ci", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("SLUICE_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("axe-core is not installed (make axe) and SLUICE_REQUIRE_CHROMIUM=1: %v", err)
		}
		t.Logf("axe-core is not installed (make axe): the pages' axe check is skipped")
		return "", false
	}
	return string(b), true
}

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeCheck opens each page in the tab and runs axe-core on it, injected
// through the DevTools protocol (the daemon never serves it, and the
// pages' content security policy stays as strict): every WCAG 2.0, 2.1
// and 2.2 A and AA rule and axe's best practices. Any violation fails
// the test, whatever its impact.
func axeCheck(t *testing.T, c *cdp, source, base string, pages []string) {
	t.Helper()
	for _, p := range pages {
		c.navigate(base + p)
		c.until("the page "+p, `location.pathname + location.search === `+jsString(p)+` && document.querySelector("main")`)
		axeRun(t, c, source, p)
	}
}

// axeRun runs axe-core on the page the tab shows (see axeCheck); label
// names it in the failures.
func axeRun(t *testing.T, c *cdp, source, p string) {
	t.Helper()
	if _, err := c.eval(source + ";void 0"); err != nil {
		t.Fatalf("inject axe-core into %s: %v", p, err)
	}
	res, err := c.eval(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`)
	if err != nil {
		t.Fatalf("axe-core on %s: %v", p, err)
	}
	var s string
	var vs []axeViolation
	if err := json.Unmarshal(res, &s); err != nil || json.Unmarshal([]byte(s), &vs) != nil {
		t.Fatalf("axe-core on %s answered %.300s", p, res)
	}
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+": "+strings.ReplaceAll(n.Summary, "\n", " "))
		}
		t.Errorf("axe on %s: %s (%s): %s\n  %s", p, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
	t.Logf("axe on %s: %d violations", p, len(vs))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
