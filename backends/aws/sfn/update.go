package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// Update makes the state machine match t, given what Observe returned:
// UpdateStateMachine with the fields that differ, then the tag delta. It
// returns reconcile.ErrReplace when the name or type differ, waiting while
// the state machine is being deleted, and stalled for a spec AWS refuses.
func (b *Backend) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	if current.InProgress {
		return current, sluice.Waiting(deletingWait, fmt.Errorf("state machine %s is %s", t.Name, current.Status))
	}
	s, err := parseSpec(t.Spec)
	if err != nil {
		return current, sluice.Stalled(err)
	}
	want, have := specMap(t.Spec), specMap(current.Spec)
	want["definition"] = s.Definition
	if def, err := normalDefinition(have["definition"]); err == nil {
		have["definition"] = def
	}
	if differs(want, have, "name") || differs(want, have, "type") {
		return current, fmt.Errorf("state machine %s: name or type changed: %w", t.Name, reconcile.ErrReplace)
	}
	arn := current.ARN
	if in, ok := updateInput(s, want, have); ok {
		if err := b.validate(ctx, s); err != nil {
			return current, err
		}
		in.StateMachineArn = &arn
		if _, err := b.api.UpdateStateMachine(ctx, in); err != nil {
			return current, classify("update state machine", t.Name, err)
		}
	}
	if err := b.retag(ctx, arn, t.Tags, current.Tags); err != nil {
		return current, classify("tag state machine", t.Name, err)
	}
	updated := current
	updated.Spec, updated.Tags = t.Spec, withoutAWSKeys(t.Tags)
	return updated, nil
}

// differs reports whether the desired spec sets key to something other
// than what was observed.
func differs(want, have map[string]json.RawMessage, key string) bool {
	w, ok := want[key]
	return ok && !reconcile.SameJSON(w, have[key])
}

// updateInput builds UpdateStateMachine's input from the fields of s that
// differ from what was observed; ok is false when none does.
func updateInput(s spec, want, have map[string]json.RawMessage) (in *sfn.UpdateStateMachineInput, ok bool) {
	in = &sfn.UpdateStateMachineInput{}
	if differs(want, have, "definition") {
		in.Definition, ok = aws.String(string(s.Definition)), true
	}
	if differs(want, have, "roleArn") {
		in.RoleArn, ok = aws.String(s.RoleArn), true
	}
	if differs(want, have, "loggingConfiguration") {
		in.LoggingConfiguration, ok = sdkLogging(s.Logging), true
	}
	if differs(want, have, "tracingConfiguration") {
		in.TracingConfiguration, ok = sdkTracing(s.Tracing), true
	}
	return in, ok
}

// retag removes the tags current has and want lacks, then adds those that
// are new or changed; aws: keys are never touched.
func (b *Backend) retag(ctx context.Context, arn string, want, current map[string]string) error {
	var remove []string
	for k := range current {
		if _, keep := want[k]; !keep && !isAWSKey(k) {
			remove = append(remove, k)
		}
	}
	add := map[string]string{}
	for k, v := range want {
		if cur, ok := current[k]; (!ok || cur != v) && !isAWSKey(k) {
			add[k] = v
		}
	}
	if len(remove) > 0 {
		if _, err := b.api.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: &arn, TagKeys: remove}); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		_, err := b.api.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: &arn, Tags: sdkTags(add)})
		return err
	}
	return nil
}

func withoutAWSKeys(tags map[string]string) map[string]string {
	out := maps.Clone(tags)
	maps.DeleteFunc(out, func(k, _ string) bool { return isAWSKey(k) })
	return out
}

// Delete deletes the state machine and returns nil once it is gone, a
// waiting error while AWS is deleting it.
func (b *Backend) Delete(ctx context.Context, t sluice.Target, current sluice.Observation) error {
	arn := current.ARN
	if arn == "" {
		arn = b.arnOf(t)
	}
	if !current.InProgress {
		_, err := b.api.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn})
		if err != nil && errorCode(err) != codeNotFound {
			return classify("delete state machine", t.Name, err)
		}
	}
	out, err := b.api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	switch {
	case errorCode(err) == codeNotFound:
		return nil
	case err != nil:
		return classify("describe state machine", t.Name, err)
	}
	return sluice.Waiting(deletingWait, fmt.Errorf("state machine %s is %s", t.Name, out.Status))
}
