package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"gopkg.in/yaml.v3"
)

// The files the monitoring docs ship, relative to this package.
const (
	alertsFile     = "../docs/monitoring/alerts.yml"
	alertsTestFile = "../docs/monitoring/alerts_test.yml"
	dashboardFile  = "../docs/monitoring/dashboard.json"
	operationsFile = "../docs/operations.md"
)

// ruleFile is the part of a Prometheus rule file the tests read.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []rule `yaml:"rules"`
	} `yaml:"groups"`
}

// rule is one alerting rule.
type rule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// readRules parses alerts.yml.
func readRules(tb testing.TB) []rule {
	tb.Helper()
	var f ruleFile
	readYAML(tb, alertsFile, &f)
	var rules []rule
	for _, g := range f.Groups {
		rules = append(rules, g.Rules...)
	}
	if len(rules) == 0 {
		tb.Fatalf("%s: no rules", alertsFile)
	}
	return rules
}

// readYAML decodes path into v, refusing unknown fields only where v's
// type says so.
func readYAML(tb testing.TB, path string, v any) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

// selector matches a metric name and, when present, its label matchers.
var selector = regexp.MustCompile(`\b(sluice_[a-zA-Z0-9_]+)(\{[^}]*\})?`)

// matcher matches one label matcher inside braces.
var matcher = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)

// exported describes the metric families Sluice exports: their type and
// label names, from a scrape after every method was called.
type exported map[string]*dto.MetricFamily

// exportedFamilies scrapes Metrics after driving every method and checks
// the scrape against Names.
func exportedFamilies(tb testing.TB) exported {
	tb.Helper()
	m, reg := mustNew(tb)
	driveAll(m, "dev")
	fams := scrape(tb, reg)
	for _, n := range m.Names() {
		if fams[n] == nil {
			tb.Fatalf("Names() has %s, the scrape does not", n)
		}
	}
	return exported(fams)
}

// family returns the family a name used in a query refers to: the name
// itself, or a histogram's for its _bucket, _sum and _count series.
func (e exported) family(name string) *dto.MetricFamily {
	if f := e[name]; f != nil {
		return f
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		base, ok := strings.CutSuffix(name, suffix)
		if f := e[base]; ok && f != nil && f.GetType() == dto.MetricType_HISTOGRAM {
			return f
		}
	}
	return nil
}

// labelNames returns the label names a family's series carry, and "le"
// for histograms.
func labelNames(f *dto.MetricFamily) []string {
	names := []string{}
	if f.GetType() == dto.MetricType_HISTOGRAM {
		names = append(names, "le")
	}
	for _, p := range f.GetMetric()[0].GetLabel() {
		names = append(names, p.GetName())
	}
	return names
}

// checkQuery fails tb for every sluice_ name query uses that Sluice does
// not export, and every label it matches on that the metric lacks. It
// returns how many sluice_ names it found.
func (e exported) checkQuery(tb testing.TB, where, query string) int {
	tb.Helper()
	found := selector.FindAllStringSubmatch(query, -1)
	for _, m := range found {
		f := e.family(m[1])
		if f == nil {
			tb.Errorf("%s: %s is not a metric Sluice exports", where, m[1])
			continue
		}
		for _, lm := range matcher.FindAllStringSubmatch(m[2], -1) {
			// instance and job are the labels Prometheus adds.
			if !slices.Contains(labelNames(f), lm[1]) && lm[1] != "instance" && lm[1] != "job" {
				tb.Errorf("%s: %s has no label %q", where, m[1], lm[1])
			}
		}
	}
	return len(found)
}

func TestAlertRulesUseExportedMetrics(t *testing.T) {
	e := exportedFamilies(t)
	for _, r := range readRules(t) {
		if e.checkQuery(t, r.Alert, r.Expr) == 0 {
			t.Errorf("%s: the expression uses no sluice_ metric: %s", r.Alert, r.Expr)
		}
	}
}

func TestDashboardUsesExportedMetrics(t *testing.T) {
	e := exportedFamilies(t)
	var d any
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	n := 0
	walkStrings(d, "", func(path, s string) { n += e.checkQuery(t, dashboardFile+" "+path, s) })
	if n == 0 {
		t.Errorf("%s uses no sluice_ metric", dashboardFile)
	}
}

// walkStrings calls fn with every string in v and its JSON path.
func walkStrings(v any, path string, fn func(path, s string)) {
	switch v := v.(type) {
	case string:
		fn(path, v)
	case []any:
		for i, x := range v {
			walkStrings(x, path+"/"+strconv.Itoa(i), fn)
		}
	case map[string]any:
		for k, x := range v {
			walkStrings(x, path+"/"+k, fn)
		}
	}
}

// heading matches a Markdown heading.
var heading = regexp.MustCompile(`(?m)^#+\s+(.+?)\s*$`)

// anchors returns the GitHub anchors of the headings of a Markdown file.
func anchors(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, m := range heading.FindAllStringSubmatch(string(data), -1) {
		a := strings.Map(func(r rune) rune {
			switch {
			case r == ' ' || r == '-':
				return '-'
			case r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
				return r
			default:
				return -1
			}
		}, strings.ToLower(m[1]))
		out = append(out, a)
	}
	return out
}

func TestAlertsAreDocumented(t *testing.T) {
	headings := anchors(t, operationsFile)
	for _, r := range readRules(t) {
		if !strings.HasPrefix(r.Alert, "Sluice") {
			t.Errorf("%s: alert names start with Sluice", r.Alert)
		}
		if r.Labels["severity"] == "" {
			t.Errorf("%s: no severity label", r.Alert)
		}
		for _, k := range []string{"summary", "description", "runbook_url"} {
			if r.Annotations[k] == "" {
				t.Errorf("%s: no %s annotation", r.Alert, k)
			}
		}
		_, anchor, ok := strings.Cut(r.Annotations["runbook_url"], "/docs/operations.md#")
		if !ok || anchor != strings.ToLower(r.Alert) || !slices.Contains(headings, anchor) {
			t.Errorf("%s: runbook_url %q: want a link to the heading %q of %s",
				r.Alert, r.Annotations["runbook_url"], strings.ToLower(r.Alert), operationsFile)
		}
	}
}

// ruleTests is the part of a promtool test file the tests read.
type ruleTests struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name       string `yaml:"name"`
		AlertTests []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

func TestEveryAlertIsTestedFiringAndNot(t *testing.T) {
	var f ruleTests
	readYAML(t, alertsTestFile, &f)
	if !slices.Equal(f.RuleFiles, []string{"alerts.yml"}) {
		t.Errorf("%s tests %v, want [alerts.yml]", alertsTestFile, f.RuleFiles)
	}
	firing, quiet := map[string]bool{}, map[string]bool{}
	for _, tg := range f.Tests {
		for _, at := range tg.AlertTests {
			if len(at.ExpAlerts) > 0 {
				firing[at.Alertname] = true
			} else {
				quiet[at.Alertname] = true
			}
		}
	}
	for _, r := range readRules(t) {
		if !firing[r.Alert] || !quiet[r.Alert] {
			t.Errorf("%s: tested firing %v, not firing %v; want both", r.Alert, firing[r.Alert], quiet[r.Alert])
		}
	}
}
