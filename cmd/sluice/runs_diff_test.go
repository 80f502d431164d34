package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

func TestDiffRuns(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	run := func(name, rev, params, outputs string, secs int) sluice.RunDetail {
		return sluice.RunDetail{
			RunRecord: sluice.RunRecord{Name: name, Revision: rev, Status: sluice.ExecutionSucceeded, Parameters: json.RawMessage(params)},
			Attempts: []sluice.AttemptRecord{{Path: "fit", Attempt: 1, Started: t0, Stopped: t0.Add(time.Duration(secs) * time.Second),
				Outputs: json.RawMessage(outputs)}},
		}
	}
	a := run("r1", "aaa", `{"epochs": 3, "lr": 0.1}`, `{"accuracy": 0.9, "loss": 1}`, 2)
	b := run("r2", "bbb", `{"epochs": 3, "lr": 0.5, "seed": 7}`, `{"accuracy": 0.8, "loss": 1.0}`, 5)
	d := diffRuns(a, b)
	if len(d.Parameters) != 2 || d.Parameters[0].Key != "lr" || d.Parameters[1].Key != "seed" || string(d.Parameters[1].A) != "null" {
		t.Errorf("parameters: %+v, want lr changed and seed added", d.Parameters)
	}
	if len(d.Outputs) != 1 || d.Outputs[0].Key != "fit.accuracy" {
		t.Errorf("outputs: %+v, want only fit.accuracy (1 and 1.0 are equal)", d.Outputs)
	}
	if len(d.Durations) != 1 || d.Durations[0].A != 2*time.Second || d.Durations[0].B != 5*time.Second {
		t.Errorf("durations: %+v", d.Durations)
	}
	var out bytes.Buffer
	if err := d.write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"revision: aaa -> bbb", "lr: 0.1 -> 0.5", "seed: null -> 7", "fit.accuracy: 0.9 -> 0.8", "fit: 2s -> 5s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text diff lacks %q:\n%s", want, out.String())
		}
	}
}
