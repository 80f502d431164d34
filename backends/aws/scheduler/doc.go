// Package scheduler is the reconcile.Backend of Schedule resources:
// EventBridge Scheduler schedules.
//
// The spec is CreateSchedule's input as the compiler emits it, in the
// API's field names (Name, GroupName, ScheduleExpression,
// ScheduleExpressionTimezone, State, FlexibleTimeWindow, Target,
// ActionAfterCompletion, ...). A schedule's key is its group and name
// (group "default" unless the spec names one); its recorded identity is
// its ARN, arn:PARTITION:scheduler:REGION:ACCOUNT:schedule/GROUP/NAME.
//
// # Ownership
//
// Schedules take no tags: only schedule groups do. Sluice proves that it
// owns a schedule by a marker it writes in the schedule's Description, a
// last line holding its ownership tags:
//
//	[sluice] sluice.dev/managed-by=sluice sluice.dev/project=P sluice.dev/environment=E sluice.dev/resource=Schedule/N sluice.dev/spec-hash=H
//
// A group per project and environment, tagged by Sluice, was the other
// way: it would need its own lifecycle (created before the first schedule,
// deleted after the last, never shared by hand-made schedules), and it
// could not name the resource a schedule belongs to. The marker travels
// with the schedule and names it. Observation.Tags holds the ownership
// tags read from the marker; the spec's other (user) tags cannot be set on
// a schedule and are not applied. A Description in the spec is kept,
// above the marker.
//
// # Operations
//
// Observe reads the schedule with GetSchedule (ENABLED or DISABLED; never
// in progress). Create sends CreateSchedule; a name already taken is the
// schedule itself when its marker says it is Sluice's for this resource
// (left by an interrupted apply), and stalled otherwise. Update sends the
// complete desired schedule, as UpdateSchedule replaces every field,
// and nothing when nothing differs; a new name or group returns
// reconcile.ErrReplace. Delete sends DeleteSchedule, which takes effect at
// once.
package scheduler
