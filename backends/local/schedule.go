package local

import (
	"encoding/json"
	"errors"

	"github.com/sluice-dev/sluice"
)

// schedSpec is what the local backend reads of a CreateSchedule input.
type schedSpec struct {
	GroupName          string `json:"GroupName"`
	ScheduleExpression string `json:"ScheduleExpression"`
	State              string `json:"State"`
}

func (s schedSpec) group() string {
	if s.GroupName == "" {
		return "default"
	}
	return s.GroupName
}

func newSchedules(w *World) *kind {
	return &kind{
		w: w, typ: sluice.TypeSchedule,
		arnOf: func(t sluice.Target) string {
			var s schedSpec
			_ = json.Unmarshal(t.Spec, &s)
			return arn("scheduler", "schedule/"+s.group()+"/"+t.Name)
		},
		check: func(t sluice.Target) error {
			var s schedSpec
			if err := json.Unmarshal(t.Spec, &s); err != nil {
				return invalidSpec(t, err)
			}
			if s.ScheduleExpression == "" {
				return invalidSpec(t, errors.New("no ScheduleExpression"))
			}
			return nil
		},
		replace: func(old, desired json.RawMessage) bool {
			var o, d schedSpec
			_ = json.Unmarshal(old, &o)
			_ = json.Unmarshal(desired, &d)
			return o.group() != d.group()
		},
		stored: func(r *record) {
			var s schedSpec
			_ = json.Unmarshal(r.Spec, &s)
			r.Status = s.State
			if r.Status == "" {
				r.Status = "ENABLED"
			}
		},
	}
}
