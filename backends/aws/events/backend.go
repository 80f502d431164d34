package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/reconcile"
)

// API is the part of the EventBridge client the backend calls;
// *eventbridge.Client implements it.
type API interface {
	PutRule(ctx context.Context, in *eventbridge.PutRuleInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error)
	DescribeRule(ctx context.Context, in *eventbridge.DescribeRuleInput, opts ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error)
	DeleteRule(ctx context.Context, in *eventbridge.DeleteRuleInput, opts ...func(*eventbridge.Options)) (*eventbridge.DeleteRuleOutput, error)
	ListRules(ctx context.Context, in *eventbridge.ListRulesInput, opts ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error)
	PutTargets(ctx context.Context, in *eventbridge.PutTargetsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error)
	RemoveTargets(ctx context.Context, in *eventbridge.RemoveTargetsInput, opts ...func(*eventbridge.Options)) (*eventbridge.RemoveTargetsOutput, error)
	ListTargetsByRule(ctx context.Context, in *eventbridge.ListTargetsByRuleInput, opts ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
	ListTagsForResource(ctx context.Context, in *eventbridge.ListTagsForResourceInput, opts ...func(*eventbridge.Options)) (*eventbridge.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *eventbridge.TagResourceInput, opts ...func(*eventbridge.Options)) (*eventbridge.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *eventbridge.UntagResourceInput, opts ...func(*eventbridge.Options)) (*eventbridge.UntagResourceOutput, error)
}

// target is one target of a rule, as the spec gives it.
type target struct {
	Id  string //nolint:revive // the API's field name
	Arn string
}

// spec is an EventRule's spec.
type spec struct {
	Name, Description, EventPattern, State string
	Targets                                []target
}

// Backend manages rules through API.
type Backend struct {
	api API
}

var (
	_ reconcile.Backend = (*Backend)(nil)
	_ reconcile.Adopter = (*Backend)(nil)
)

// New returns a Backend calling api.
func New(api API) *Backend { return &Backend{api: api} }

// name returns the rule's name: the one its recorded ARN carries, else
// t's.
func name(t sluice.Target) string {
	if _, n, ok := strings.Cut(t.ARN, ":rule/"); ok {
		return n[strings.LastIndex(n, "/")+1:]
	}
	return t.Name
}

// Observe reads the rule. One that does not exist is
// Observation{Exists: false}; other failures carry a retry decision.
func (b *Backend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	r := name(t)
	out, err := b.api.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: &r})
	if notFound(err) {
		return sluice.Observation{}, nil
	}
	if err != nil {
		return sluice.Observation{}, classify("describe rule", r, err)
	}
	tags, err := b.api.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: out.Arn})
	if err != nil {
		return sluice.Observation{}, classify("list rule tags", r, err)
	}
	targets, err := b.targets(ctx, r)
	if err != nil {
		return sluice.Observation{}, err
	}
	s := spec{Name: r, Description: aws.ToString(out.Description), EventPattern: aws.ToString(out.EventPattern),
		State: string(out.State), Targets: targets}
	raw, err := observedSpec(s, t.Spec)
	if err != nil {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("rule %s: %w", r, err))
	}
	return sluice.Observation{Exists: true, ARN: aws.ToString(out.Arn), Tags: tagMap(tags.Tags), Spec: raw,
		Status: string(out.State)}, nil
}

// targets lists the rule's targets, every page.
func (b *Backend) targets(ctx context.Context, r string) ([]target, error) {
	var out []target
	in := &eventbridge.ListTargetsByRuleInput{Rule: &r}
	for {
		page, err := b.api.ListTargetsByRule(ctx, in)
		if err != nil {
			return nil, classify("list rule targets", r, err)
		}
		for _, tg := range page.Targets {
			out = append(out, target{Id: aws.ToString(tg.Id), Arn: aws.ToString(tg.Arn)})
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// Create makes the rule with its tags and targets and returns its
// identity. A name taken by a rule that is not Sluice's for t is
// stalled; one that is Sluice's is brought in line.
func (b *Backend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	var s spec
	if err := json.Unmarshal(t.Spec, &s); err != nil {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("rule spec: %w", err))
	}
	obs, err := b.Observe(ctx, t)
	switch {
	case err != nil:
		return obs, err
	case obs.Exists && !obs.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID):
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("rule name %s is taken by %s, which does not carry Sluice's ownership tags for %s: refusing to adopt it", t.Name, obs.ARN, t.ID))
	case obs.Exists:
		return b.Update(ctx, t, obs)
	}
	in := putRule(t.Name, s)
	for _, k := range slices.Sorted(maps.Keys(t.Tags)) {
		in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(t.Tags[k])})
	}
	out, err := b.api.PutRule(ctx, in)
	if err != nil {
		return sluice.Observation{}, classify("put rule", t.Name, err)
	}
	created := sluice.Observation{Exists: true, ARN: aws.ToString(out.RuleArn), Tags: maps.Clone(t.Tags), Spec: t.Spec, Status: s.State}
	if err := b.putTargets(ctx, t.Name, s.Targets, nil); err != nil {
		// The rule exists: the next apply finds it as Sluice's and
		// sets its targets.
		return created, err
	}
	return created, nil
}

// Update brings the rule, its targets and its tags in line with t,
// sending only what differs. A new name returns reconcile.ErrReplace.
func (b *Backend) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	var want, have spec
	if err := json.Unmarshal(t.Spec, &want); err != nil {
		return current, sluice.Stalled(fmt.Errorf("rule spec: %w", err))
	}
	_ = json.Unmarshal(current.Spec, &have)
	if have.Name != "" && want.Name != have.Name {
		return current, fmt.Errorf("rule %s: Name changed: %w", t.Name, reconcile.ErrReplace)
	}
	r := name(t)
	if want.Description != have.Description || want.State != have.State ||
		!reconcile.SameJSON(json.RawMessage(want.EventPattern), json.RawMessage(have.EventPattern)) {
		if _, err := b.api.PutRule(ctx, putRule(r, want)); err != nil {
			return current, classify("put rule", r, err)
		}
	}
	if err := b.putTargets(ctx, r, want.Targets, have.Targets); err != nil {
		return current, err
	}
	if err := b.retag(ctx, r, current.ARN, t.Tags, current.Tags); err != nil {
		return current, err
	}
	updated := current
	updated.Spec, updated.Tags, updated.Status = t.Spec, maps.Clone(t.Tags), want.State
	return updated, nil
}

// putTargets sets the targets of want that have lacks or holds
// otherwise, and removes those of have that want lacks.
func (b *Backend) putTargets(ctx context.Context, r string, want, have []target) error {
	var put []types.Target
	for _, w := range want {
		if !slices.Contains(have, w) {
			put = append(put, types.Target{Id: aws.String(w.Id), Arn: aws.String(w.Arn)})
		}
	}
	var gone []string
	for _, h := range have {
		if !slices.ContainsFunc(want, func(w target) bool { return w.Id == h.Id }) {
			gone = append(gone, h.Id)
		}
	}
	if len(put) > 0 {
		out, err := b.api.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: &r, Targets: put})
		if err == nil && out.FailedEntryCount > 0 {
			err = failedEntries(out.FailedEntries)
		}
		if err != nil {
			return classify("put targets", r, err)
		}
	}
	return b.removeTargets(ctx, r, gone)
}

// removeTargets removes the targets ids from rule r.
func (b *Backend) removeTargets(ctx context.Context, r string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	out, err := b.api.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: &r, Ids: ids})
	if err == nil && out.FailedEntryCount > 0 {
		err = failedEntries(out.FailedEntries)
	}
	if err != nil && !notFound(err) {
		return classify("remove targets", r, err)
	}
	return nil
}

// retag sets the tags of want that have differs on, and removes those
// have has that want has not.
func (b *Backend) retag(ctx context.Context, r, arn string, want, have map[string]string) error {
	var set []types.Tag
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v, ok := have[k]; !ok || v != want[k] {
			set = append(set, types.Tag{Key: aws.String(k), Value: aws.String(want[k])})
		}
	}
	var gone []string
	for k := range have {
		if _, ok := want[k]; !ok {
			gone = append(gone, k)
		}
	}
	if len(set) > 0 {
		if _, err := b.api.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: &arn, Tags: set}); err != nil {
			return classify("tag rule", r, err)
		}
	}
	if len(gone) > 0 {
		slices.Sort(gone)
		if _, err := b.api.UntagResource(ctx, &eventbridge.UntagResourceInput{ResourceARN: &arn, TagKeys: gone}); err != nil {
			return classify("untag rule", r, err)
		}
	}
	return nil
}

// Delete removes the rule's targets, then the rule; one already gone is
// deleted.
func (b *Backend) Delete(ctx context.Context, t sluice.Target, current sluice.Observation) error {
	if t.ARN == "" {
		t.ARN = current.ARN
	}
	r := name(t)
	targets, err := b.targets(ctx, r)
	if notFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(targets))
	for _, tg := range targets {
		ids = append(ids, tg.Id)
	}
	if err := b.removeTargets(ctx, r, ids); err != nil {
		return err
	}
	if _, err := b.api.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: &r}); err != nil && !notFound(err) {
		return classify("delete rule", r, err)
	}
	return nil
}

// Adopt sets t's tags on the rule current describes, keeping its others.
func (b *Backend) Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	var tags []types.Tag
	for _, k := range slices.Sorted(maps.Keys(t.Tags)) {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(t.Tags[k])})
	}
	arn := current.ARN
	if _, err := b.api.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: &arn, Tags: tags}); err != nil {
		return current, classify("tag rule", name(t), err)
	}
	current.Tags = reconcile.AdoptedTags(t, current)
	return current, nil
}

// putRule is PutRule's input for the rule named r as s describes it.
func putRule(r string, s spec) *eventbridge.PutRuleInput {
	in := &eventbridge.PutRuleInput{Name: aws.String(r), EventPattern: aws.String(s.EventPattern),
		State: types.RuleState(s.State)}
	if s.Description != "" {
		in.Description = aws.String(s.Description)
	}
	return in
}

// observedSpec is s in the desired spec's shape: an event pattern that
// means the same as the desired one written as the desired one is, and
// only the fields desired sets.
func observedSpec(s spec, desired json.RawMessage) (json.RawMessage, error) {
	var d spec
	if json.Unmarshal(desired, &d) == nil && reconcile.SameJSON(json.RawMessage(s.EventPattern), json.RawMessage(d.EventPattern)) {
		s.EventPattern = d.EventPattern
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return awsapi.Restrict(raw, desired)
}

// tagMap returns tags as a map, aws: keys left out.
func tagMap(tags []types.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		if k := aws.ToString(t.Key); !strings.HasPrefix(k, "aws:") {
			out[k] = aws.ToString(t.Value)
		}
	}
	return out
}

// failedEntries is the error of a PutTargets or RemoveTargets that
// answered with failed entries.
func failedEntries[E types.PutTargetsResultEntry | types.RemoveTargetsResultEntry](entries []E) error {
	var errs []error
	for _, e := range entries {
		switch e := any(e).(type) {
		case types.PutTargetsResultEntry:
			errs = append(errs, fmt.Errorf("target %s: %s: %s", aws.ToString(e.TargetId), aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage)))
		case types.RemoveTargetsResultEntry:
			errs = append(errs, fmt.Errorf("target %s: %s: %s", aws.ToString(e.TargetId), aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage)))
		}
	}
	return errors.Join(errs...)
}

// notFound reports whether err says the rule does not exist.
func notFound(err error) bool {
	var rnf *types.ResourceNotFoundException
	return errors.As(err, &rnf)
}

// classify wraps an AWS error of op on rule r with its kind and the
// retry decision awsapi's EventBridge table and rule give it.
func classify(op, r string, err error) error {
	return awsapi.EventBridge().Classify(op+" "+r, err)
}
