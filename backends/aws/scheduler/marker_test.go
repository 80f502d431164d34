package scheduler

import (
	"maps"
	"testing"
)

func TestDescriptionMarker(t *testing.T) {
	tags := map[string]string{
		"sluice.dev/managed-by": "sluice", "sluice.dev/project": "churn", "sluice.dev/environment": "dev",
		"sluice.dev/resource": "Schedule/nightly", "sluice.dev/spec-hash": "abc", "team": "ml",
	}
	tests := []struct {
		name, own string
	}{
		{name: "marker alone"},
		{name: "own description kept above", own: "Nightly training"},
		{name: "own description of several lines", own: "Nightly\ntraining"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := describe(tt.own, tags)
			if len(d) > 512 {
				t.Errorf("description is %d characters, over Scheduler's 512", len(d))
			}
			own, got := parseDescription(d)
			if own != tt.own {
				t.Errorf("own description = %q, want %q", own, tt.own)
			}
			want := maps.Clone(tags)
			delete(want, "team")
			if !maps.Equal(got, want) {
				t.Errorf("marker tags = %v, want %v", got, want)
			}
		})
	}
	for _, d := range []string{"", "made by hand", "see [sluice] docs"} {
		if own, got := parseDescription(d); got != nil || own != d {
			t.Errorf("parseDescription(%q) = %q, %v; want no marker", d, own, got)
		}
	}
}
