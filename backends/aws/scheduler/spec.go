package scheduler

import (
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/reconcile"
)

// observedSpec turns GetSchedule's answer into the desired spec's shape:
// the spec's own description in Description, restricted to the fields
// desired sets (all when it is empty), and a target Input that means the
// same as the desired one written as the desired one is.
func observedSpec(out *scheduler.GetScheduleOutput, own string, desired json.RawMessage) (json.RawMessage, error) {
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	m := fields(raw)
	delete(m, "ResultMetadata")
	delete(m, "Description")
	if own != "" {
		m["Description"], _ = json.Marshal(own)
	}
	if raw, err = json.Marshal(m); err != nil {
		return nil, err
	}
	if raw, err = awsapi.Restrict(raw, desired); err != nil {
		return nil, err
	}
	if raw, err = defaultZone(raw, desired); err != nil {
		return nil, err
	}
	return sameInput(raw, desired)
}

// defaultZone drops an observed time zone of UTC, EventBridge
// Scheduler's default, when desired leaves the zone out (null): that is
// what it means.
func defaultZone(observed, desired json.RawMessage) (json.RawMessage, error) {
	m := fields(observed)
	if string(m["ScheduleExpressionTimezone"]) != `"UTC"` || !reconcile.SameJSON(fields(desired)["ScheduleExpressionTimezone"], json.RawMessage("null")) {
		return observed, nil
	}
	delete(m, "ScheduleExpressionTimezone")
	return json.Marshal(m)
}

// sameInput replaces the observed Target.Input by the desired one when
// both are JSON documents meaning the same.
func sameInput(observed, desired json.RawMessage) (json.RawMessage, error) {
	var o, d struct {
		Target struct{ Input string }
	}
	if json.Unmarshal(observed, &o) != nil || json.Unmarshal(desired, &d) != nil ||
		o.Target.Input == d.Target.Input || d.Target.Input == "" ||
		!reconcile.SameJSON(json.RawMessage(o.Target.Input), json.RawMessage(d.Target.Input)) {
		return observed, nil
	}
	m := fields(observed)
	target := fields(m["Target"])
	target["Input"], _ = json.Marshal(d.Target.Input)
	m["Target"], _ = json.Marshal(target)
	return json.Marshal(m)
}
