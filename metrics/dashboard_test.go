package metrics_test

import (
	"encoding/json"
	"os"
	"testing"
)

// dashboard is the part of a Grafana dashboard the tests read.
type dashboard struct {
	UID           string `json:"uid"`
	SchemaVersion int    `json:"schemaVersion"`
	Templating    struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		ID         int        `json:"id"`
		Type       string     `json:"type"`
		Title      string     `json:"title"`
		Datasource datasource `json:"datasource"`
		Targets    []struct {
			Datasource datasource `json:"datasource"`
			Expr       string     `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// datasource is a panel's or target's data source reference.
type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

func TestDashboardShape(t *testing.T) {
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if d.UID == "" || d.SchemaVersion < 36 {
		t.Errorf("uid %q, schemaVersion %d: want a uid and schemaVersion 36 or later", d.UID, d.SchemaVersion)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	if vars["datasource"] != "datasource" || vars["environment"] != "query" {
		t.Errorf("variables %v: want a datasource variable and an environment query", vars)
	}
	want := datasource{Type: "prometheus", UID: "${datasource}"}
	ids := map[int]bool{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("%q: id %d used twice", p.Title, p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if p.Datasource != want || len(p.Targets) == 0 {
			t.Errorf("%q: data source %+v, %d targets: want %+v and at least one target", p.Title, p.Datasource, len(p.Targets), want)
		}
		for _, tg := range p.Targets {
			if tg.Datasource != want || tg.Expr == "" {
				t.Errorf("%q: a target with data source %+v and expression %q", p.Title, tg.Datasource, tg.Expr)
			}
		}
	}
}
