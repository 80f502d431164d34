package daemon_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestAmbiguousRunName: a run name used by runs of two pipelines. The
// API's 409 names both runs; a pipeline's page of the name shows that
// pipeline's run; another page of the name lists both, each linked by
// its id, and each link opens its run.
func TestAmbiguousRunName(t *testing.T) {
	r, _ := newStoredPageRig(t)
	for _, p := range []string{"flaky", "slow"} {
		if code, body := r.h.post("/api/v1/environments/dev/pipelines/"+p+"/runs", testToken, map[string]any{"name": "dup"}); code != http.StatusOK {
			t.Fatalf("start %s's run dup: %d %s", p, code, body)
		}
		defer waitRunDone(t, r, p, "dup")
	}
	var ids []string
	for _, p := range []string{"flaky", "slow"} {
		var rec struct{ ID, Pipeline string }
		var list []struct{ ID, Name string }
		r.h.getJSONWith("/api/v1/environments/dev/runs?pipeline="+p, testToken, &list)
		for _, x := range list {
			if x.Name == "dup" {
				rec.ID = x.ID
			}
		}
		if rec.ID == "" {
			t.Fatalf("no recorded run dup of %s: %+v", p, list)
		}
		ids = append(ids, rec.ID)
	}

	client := &http.Client{Transport: bearer(testToken)}
	code, _, body := get(t, client, r.h.api.URL, "/api/v1/environments/dev/runs/dup")
	var answer struct {
		Error string
		Runs  []struct{ ID, Pipeline string }
	}
	_ = json.Unmarshal([]byte(body), &answer)
	if code != http.StatusConflict || len(answer.Runs) != 2 || !strings.Contains(answer.Error, ids[0]) || !strings.Contains(answer.Error, ids[1]) {
		t.Errorf("the API's answer for an ambiguous name: %d %s", code, body)
	}

	admin := signedIn(t, r.h.api.URL, testToken)
	code, _, body = get(t, admin, r.h.api.URL, "/ui/env/dev/pipelines/slow/runs/dup")
	if code != http.StatusOK || !strings.Contains(body, "<h1>Run dup") || !strings.Contains(body, `data-step="second"`) {
		t.Errorf("slow's page of dup: %d\n%.1500s", code, body)
	}
	code, _, body = get(t, admin, r.h.api.URL, "/ui/env/dev/pipelines/training/runs/dup")
	if code != http.StatusMultipleChoices || !strings.Contains(body, "2 runs are called dup") {
		t.Fatalf("training's page of dup: %d\n%.1500s", code, body)
	}
	links := regexp.MustCompile(`href="(/ui/env/dev/pipelines/(flaky|slow)/runs/[^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(links) != 2 {
		t.Fatalf("the choice lists %d runs, want 2: %v", len(links), links)
	}
	for _, l := range links {
		code, _, page := get(t, admin, r.h.api.URL, l[1])
		if code != http.StatusOK || !strings.Contains(page, "<h1>Run dup") {
			t.Errorf("%s: %d\n%.1000s", l[1], code, page)
		}
		if l[2] == "flaky" && strings.Contains(page, "FAILED") && !strings.Contains(page, `/resume"`) {
			t.Errorf("%s: the failed run offers no resume", l[1])
		}
	}
}
