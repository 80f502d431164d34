package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// API is the part of the EventBridge Scheduler client the backend calls;
// *scheduler.Client implements it.
type API interface {
	CreateSchedule(ctx context.Context, in *scheduler.CreateScheduleInput, opts ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	GetSchedule(ctx context.Context, in *scheduler.GetScheduleInput, opts ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
	UpdateSchedule(ctx context.Context, in *scheduler.UpdateScheduleInput, opts ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error)
	DeleteSchedule(ctx context.Context, in *scheduler.DeleteScheduleInput, opts ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
	ListSchedules(ctx context.Context, in *scheduler.ListSchedulesInput, opts ...func(*scheduler.Options)) (*scheduler.ListSchedulesOutput, error)
}

// defaultGroup is the schedule group of a spec that names none.
const defaultGroup = "default"

// Error codes of EventBridge Scheduler that Sluice acts on.
const (
	codeNotFound = "ResourceNotFoundException"
	codeConflict = "ConflictException"
)

// Backend manages schedules through API.
type Backend struct {
	api API
}

// New returns a Backend calling api.
func New(api API) *Backend { return &Backend{api: api} }

// key returns the group and name of t's schedule: the spec's GroupName,
// else the group of its recorded ARN, else "default".
func key(t sluice.Target) (group, name string) {
	var s struct{ GroupName string }
	_ = json.Unmarshal(t.Spec, &s)
	if s.GroupName != "" {
		return s.GroupName, t.Name
	}
	if _, path, ok := strings.Cut(t.ARN, ":schedule/"); ok {
		if g, _, ok := strings.Cut(path, "/"); ok {
			return g, t.Name
		}
	}
	return defaultGroup, t.Name
}

// Observe reads the schedule. A schedule that does not exist is
// Observation{Exists: false}; other failures carry a retry decision.
func (b *Backend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	group, name := key(t)
	out, err := b.api.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: &name, GroupName: &group})
	if errorCode(err) == codeNotFound {
		return sluice.Observation{}, nil
	}
	if err != nil {
		return sluice.Observation{}, classify("get schedule", name, err)
	}
	own, tags := parseDescription(aws.ToString(out.Description))
	spec, err := observedSpec(out, own, t.Spec)
	if err != nil {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("schedule %s: %w", name, err))
	}
	return sluice.Observation{Exists: true, ARN: aws.ToString(out.Arn), Tags: tags, Spec: spec, Status: string(out.State)}, nil
}

// Create makes the schedule with Sluice's ownership marker and returns its
// identity. A name taken by a schedule that is not Sluice's for t, and a
// spec AWS refuses, are stalled.
func (b *Backend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	var in scheduler.CreateScheduleInput
	if err := json.Unmarshal(t.Spec, &in); err != nil {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("schedule spec: %w", err))
	}
	in.Name = aws.String(t.Name)
	in.Description = aws.String(describe(aws.ToString(in.Description), t.Tags))
	out, err := b.api.CreateSchedule(ctx, &in)
	switch {
	case errorCode(err) == codeConflict:
		return b.claim(ctx, t)
	case err != nil:
		return sluice.Observation{}, classify("create schedule", t.Name, err)
	}
	return sluice.Observation{Exists: true, ARN: aws.ToString(out.ScheduleArn), Tags: ownership(t.Tags),
		Spec: t.Spec, Status: stateOf(in.State)}, nil
}

// claim handles a name already taken: the schedule is returned when its
// marker says it is Sluice's for t, and stalled otherwise.
func (b *Backend) claim(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	obs, err := b.Observe(ctx, t)
	switch {
	case err != nil:
		return sluice.Observation{}, err
	case !obs.Exists:
		return sluice.Observation{}, sluice.Transient(fmt.Errorf("schedule %s: name taken, then gone", t.Name))
	case !obs.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID):
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("schedule name %s is taken by %s, which does not carry Sluice's ownership marker for %s: refusing to adopt it", t.Name, obs.ARN, t.ID))
	}
	return obs, nil
}

// Update replaces the schedule with the complete desired one when
// anything differs (spec or ownership marker). A new name or group
// returns reconcile.ErrReplace.
func (b *Backend) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	want, have := fields(t.Spec), fields(current.Spec)
	for _, k := range []string{"Name", "GroupName"} {
		if w, ok := want[k]; ok && !reconcile.SameJSON(w, have[k]) {
			return current, fmt.Errorf("schedule %s: %s changed: %w", t.Name, k, reconcile.ErrReplace)
		}
	}
	if reconcile.SameJSON(t.Spec, current.Spec) && maps.Equal(ownership(t.Tags), current.Tags) {
		return current, nil
	}
	var in scheduler.UpdateScheduleInput
	if err := json.Unmarshal(t.Spec, &in); err != nil {
		return current, sluice.Stalled(fmt.Errorf("schedule spec: %w", err))
	}
	in.Name = aws.String(t.Name)
	in.GroupName = aws.String(first(aws.ToString(in.GroupName), groupOf(t, current)))
	in.Description = aws.String(describe(aws.ToString(in.Description), t.Tags))
	if _, err := b.api.UpdateSchedule(ctx, &in); err != nil {
		return current, classify("update schedule", t.Name, err)
	}
	updated := current
	updated.Spec, updated.Tags, updated.Status = t.Spec, ownership(t.Tags), stateOf(in.State)
	return updated, nil
}

// Delete deletes the schedule; one already gone is deleted.
func (b *Backend) Delete(ctx context.Context, t sluice.Target, current sluice.Observation) error {
	name := t.Name
	group := groupOf(t, current)
	_, err := b.api.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: &name, GroupName: &group})
	if err != nil && errorCode(err) != codeNotFound {
		return classify("delete schedule", name, err)
	}
	return nil
}

// groupOf returns the group of the schedule, from t or the observed ARN.
func groupOf(t sluice.Target, current sluice.Observation) string {
	if t.ARN == "" {
		t.ARN = current.ARN
	}
	group, _ := key(t)
	return group
}

// ownership returns the ownership tags of tags: those the marker carries.
func ownership(tags map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range ownershipKeys() {
		if v, ok := tags[k]; ok {
			out[k] = v
		}
	}
	return out
}

// stateOf returns the state a schedule is created in: ENABLED by default.
func stateOf[S ~string](s S) string { return first(string(s), "ENABLED") }

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fields splits a spec into its top-level fields.
func fields(raw json.RawMessage) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(raw, &m)
	return m
}
