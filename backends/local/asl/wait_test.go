package asl_test

import (
	"slices"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	// The test clock stands at 2026-01-02T03:04:05Z.
	cases := []struct {
		name, fields, input string
		want                time.Duration
		wantErr             string
	}{
		{"seconds", `"Seconds":5`, `{}`, 5 * time.Second, ""},
		{"seconds path", `"SecondsPath":"$.s"`, `{"s":7}`, 7 * time.Second, ""},
		{"timestamp", `"Timestamp":"2026-01-02T03:05:05Z"`, `{}`, time.Minute, ""},
		{"timestamp in the past", `"Timestamp":"2026-01-02T03:00:00Z"`, `{}`, 0, ""},
		{"timestamp path", `"TimestampPath":"$.at"`, `{"at":"2026-01-02T03:04:15Z"}`, 10 * time.Second, ""},
		{"seconds path not a number", `"SecondsPath":"$.s"`, `{"s":"x"}`, 0, "States.Runtime"},
		{"seconds path negative", `"SecondsPath":"$.s"`, `{"s":-1}`, 0, "States.Runtime"},
		{"timestamp path not a time", `"TimestampPath":"$.at"`, `{"at":"soon"}`, 0, "States.Runtime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, sleeps := testOptions(nil)
			def := `{"StartAt":"w","States":{"w":{"Type":"Wait",` + c.fields + `,"Next":"p"},"p":{"Type":"Pass","End":true}}}`
			out, events, err := execute(t, def, c.input, opts)
			if c.wantErr != "" {
				if f := failureOf(t, err); f.Name != c.wantErr {
					t.Errorf("failure %v, want %s", f, c.wantErr)
				}
				return
			}
			if err != nil || !jsonEqual(t, out, c.input) {
				t.Fatalf("got %s, %v; want the input back", out, err)
			}
			if got := sleeps.all(); !slices.Equal(got, []time.Duration{c.want}) {
				t.Errorf("slept %v, want [%v]", got, c.want)
			}
			if w := eventsOf(events, "WaitStarted"); len(w) != 1 || w[0].Delay != c.want {
				t.Errorf("WaitStarted events %+v, want one with Delay %v", w, c.want)
			}
		})
	}
}
