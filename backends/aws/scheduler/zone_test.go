package scheduler

import (
	"encoding/json"
	"testing"
)

func TestDefaultZone(t *testing.T) {
	tests := []struct {
		observed, desired, want string
	}{
		{`{"ScheduleExpressionTimezone":"UTC"}`, `{"ScheduleExpressionTimezone":null}`, `{}`},
		{`{"ScheduleExpressionTimezone":"UTC"}`, `{"ScheduleExpressionTimezone":"UTC"}`, `{"ScheduleExpressionTimezone":"UTC"}`},
		{`{"ScheduleExpressionTimezone":"Europe/Paris"}`, `{"ScheduleExpressionTimezone":null}`, `{"ScheduleExpressionTimezone":"Europe/Paris"}`},
		{`{}`, `{"ScheduleExpressionTimezone":null}`, `{}`},
	}
	for _, tt := range tests {
		got, err := defaultZone(json.RawMessage(tt.observed), json.RawMessage(tt.desired))
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		_ = json.Unmarshal(got, &g)
		_ = json.Unmarshal([]byte(tt.want), &w)
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		if string(gb) != string(wb) {
			t.Errorf("defaultZone(%s, %s) = %s, want %s", tt.observed, tt.desired, gb, wb)
		}
	}
}
