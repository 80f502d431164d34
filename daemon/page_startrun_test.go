package daemon_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
)

// TestStartRunForm: the pipeline page offers the API token's holder a
// form with a field per declared parameter; bad values are refused by
// the API's check with each message next to its field (a near-miss name
// suggested next to the field it means) and start nothing; good values
// start a run and lead to its page. Other viewers get no form, and a
// form without the form token is refused.
func TestStartRunForm(t *testing.T) {
	r, _ := newStoredPageRig(t)
	base := r.h.api.URL
	page := "/ui/env/dev/pipelines/training"
	action := `action="/ui/env/dev/pipelines/training/runs"`
	if _, _, anon := get(t, http.DefaultClient, base, page); strings.Contains(anon, action) || !strings.Contains(anon, "to start a run here") {
		t.Errorf("an anonymous viewer sees the start-run form, or no sign-in link")
	}
	if _, _, read := get(t, signedIn(t, base, testReadToken), base, page); strings.Contains(read, action) {
		t.Errorf("a read token's holder sees the start-run form")
	}
	admin := signedIn(t, base, testToken)
	_, _, body := get(t, admin, base, page)
	for _, want := range []string{action, `<label for="param-rows">`, `id="param-rows" name="p.rows" type="text" inputmode="decimal"`,
		`placeholder="default: 1500"`, `id="param-learningRates" name="p.learningRates"`, `<textarea id="param-learningRates"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no form token on the pipeline page")
	}
	runsBefore := countRuns(t, r, "training")

	// Without the form token: refused, nothing started.
	if code, _, _ := postForm(t, admin, base, "/ui/env/dev/pipelines/training/runs", base, url.Values{"p.rows": {"10"}}); code != http.StatusForbidden {
		t.Errorf("a form without its token: %d, want 403", code)
	}
	// Bad values: the page again, each problem next to its field.
	code, path, got := postForm(t, admin, base, "/ui/env/dev/pipelines/training/runs", base, url.Values{"csrf": {m[1]},
		"p.rows": {"many"}, "p.seed": {"3"}, "p.learningRates": {"[0.1, 0.2"}, "more": {`{"sed": 4}`}})
	got = unescape(got)
	if code != http.StatusUnprocessableEntity || path != "/ui/env/dev/pipelines/training/runs" {
		t.Errorf("bad values: %d at %s, want 422 on the form's page", code, path)
	}
	for field, want := range map[string]string{
		"rows":          `parameter "rows" must be a whole number, not the string "many"`,
		"learningRates": `parameter "learningRates" must be a list`,
		"seed":          `parameter "sed" is not declared by the pipeline (did you mean "seed"?)`,
	} {
		re := regexp.MustCompile(`(?s)<div class="field-error" id="param-` + field + `-err">.{0,40}` + regexp.QuoteMeta(want))
		if !re.MatchString(got) {
			t.Errorf("no %q next to the field %s\n%s", want, field, regexp.MustCompile(`(?s)<form class="runform".*</form>`).FindString(got))
		}
	}
	if !strings.Contains(got, `name="next" value="/ui/env/dev/pipelines/training"`) {
		t.Errorf("the form's page does not name itself as the page to come back to")
	}
	if !strings.Contains(got, `value="many"`) || !strings.Contains(got, `{&#34;sed&#34;: 4}`) && !strings.Contains(got, `{"sed": 4}`) {
		t.Errorf("the form does not keep what was typed")
	}
	if n := countRuns(t, r, "training"); n != runsBefore {
		t.Errorf("bad values started a run: %d runs, were %d", n, runsBefore)
	}

	// A list longer than the foreach over it takes: refused next to its
	// field with the step, the cap and what to do, as the API does.
	many := "[" + strings.TrimSuffix(strings.Repeat("1,", 5000), ",") + "]"
	code, _, got = postForm(t, admin, base, "/ui/env/dev/pipelines/flaky/runs", base, url.Values{"csrf": {m[1]}, "p.xs": {many}})
	re := regexp.MustCompile(`(?s)<div class="field-error" id="param-xs-err">.{0,400}` +
		regexp.QuoteMeta(`parameter "xs" has 5000 items; the foreach of step "start" runs inline and takes at most `) + `\d+.{0,200}declare maxItems`)
	if got = unescape(got); code != http.StatusUnprocessableEntity || !re.MatchString(got) {
		t.Errorf("a list past the foreach's cap: %d, want 422 with the problem next to the field xs\n%s", code,
			regexp.MustCompile(`(?s)<form class="runform".*</form>`).FindString(got))
	}
	if n := countRuns(t, r, "flaky"); n != 1 {
		t.Errorf("a list past the cap started a run: %d runs of flaky, want f1 only", n)
	}

	// Good values: a run starts, and its page follows.
	code, path, got = postForm(t, admin, base, "/ui/env/dev/pipelines/flaky/runs", base, url.Values{"csrf": {m[1]},
		"p.xs": {"[5]"}, "name": {"from-form"}})
	if code != http.StatusOK || path != "/ui/env/dev/pipelines/flaky/runs/from-form" {
		t.Fatalf("good values: %d at %s\n%.2000s", code, path, got)
	}
	if !strings.Contains(got, "Run from-form of flaky started.") || !strings.Contains(got, "<h1>Run from-form") {
		t.Errorf("the run's page does not say the run started")
	}
	var run daemon.Run
	r.h.getJSONWith("/api/v1/environments/dev/pipelines/flaky/runs/from-form", testToken, &run)
	if in := strings.Join(strings.Fields(string(run.Input)), ""); !strings.Contains(in, `"xs":[5]`) {
		t.Errorf("the run's input %s, want xs [5]", run.Input)
	}
	waitRunDone(t, r, "flaky", "from-form")
}

func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}

// countRuns counts the runs of pipeline in dev the API lists.
func countRuns(t *testing.T, r *pageRig, pipeline string) int {
	t.Helper()
	var runs []map[string]any
	r.h.getJSONWith("/api/v1/environments/dev/runs?pipeline="+pipeline, testToken, &runs)
	return len(runs)
}

// waitRunDone waits for a run to end, so that the test leaves no step
// running behind it.
func waitRunDone(t *testing.T, r *pageRig, pipeline, name string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var run daemon.Run
		r.h.getJSONWith("/api/v1/environments/dev/pipelines/"+pipeline+"/runs/"+name, testToken, &run)
		if run.Done() || time.Now().After(deadline) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
