package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// API is the part of the Step Functions client the backend calls;
// *sfn.Client implements it.
type API interface {
	CreateStateMachine(ctx context.Context, in *sfn.CreateStateMachineInput, opts ...func(*sfn.Options)) (*sfn.CreateStateMachineOutput, error)
	DescribeStateMachine(ctx context.Context, in *sfn.DescribeStateMachineInput, opts ...func(*sfn.Options)) (*sfn.DescribeStateMachineOutput, error)
	UpdateStateMachine(ctx context.Context, in *sfn.UpdateStateMachineInput, opts ...func(*sfn.Options)) (*sfn.UpdateStateMachineOutput, error)
	DeleteStateMachine(ctx context.Context, in *sfn.DeleteStateMachineInput, opts ...func(*sfn.Options)) (*sfn.DeleteStateMachineOutput, error)
	ListTagsForResource(ctx context.Context, in *sfn.ListTagsForResourceInput, opts ...func(*sfn.Options)) (*sfn.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *sfn.TagResourceInput, opts ...func(*sfn.Options)) (*sfn.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *sfn.UntagResourceInput, opts ...func(*sfn.Options)) (*sfn.UntagResourceOutput, error)
	ValidateStateMachineDefinition(ctx context.Context, in *sfn.ValidateStateMachineDefinitionInput, opts ...func(*sfn.Options)) (*sfn.ValidateStateMachineDefinitionOutput, error)
	ListStateMachines(ctx context.Context, in *sfn.ListStateMachinesInput, opts ...func(*sfn.Options)) (*sfn.ListStateMachinesOutput, error)
}

// Options says where the backend's state machines live.
type Options struct {
	// Partition, Region and Account build the ARN of a state machine
	// known only by name.
	Partition, Region, Account string
	// Validate checks definitions with ValidateStateMachineDefinition
	// before sending them.
	Validate bool
	// Tags, when set, reads tags in bulk for ObserveAll.
	Tags TagReader
}

// Backend manages state machines through API.
type Backend struct {
	api  API
	opts Options
}

// New returns a Backend calling api. Options.Partition defaults to "aws".
func New(api API, opts Options) *Backend {
	if opts.Partition == "" {
		opts.Partition = "aws"
	}
	return &Backend{api: api, opts: opts}
}

// arnOf returns t's recorded ARN, else the ARN its name gives.
func (b *Backend) arnOf(t sluice.Target) string {
	if t.ARN != "" {
		return t.ARN
	}
	return fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:%s", b.opts.Partition, b.opts.Region, b.opts.Account, t.Name)
}

// Observe reads the state machine and its tags. A state machine that does
// not exist is Observation{Exists: false}; other failures carry a retry
// decision.
func (b *Backend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	d, err := b.describe(ctx, t)
	if d == nil || err != nil {
		return sluice.Observation{}, err
	}
	arn := b.arnOf(t)
	tags, err := b.tags(ctx, arn)
	if errorCode(err) == codeResourceGone {
		return sluice.Observation{}, nil
	}
	if err != nil {
		return sluice.Observation{}, classify("list tags of state machine", t.Name, err)
	}
	return observation(t, arn, d, tags)
}

// tags lists the resource's tags, aws: keys left out.
func (b *Backend) tags(ctx context.Context, arn string) (map[string]string, error) {
	out, err := b.api.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil {
		return nil, err
	}
	tags := make(map[string]string, len(out.Tags))
	for _, tag := range out.Tags {
		if k := deref(tag.Key); !isAWSKey(k) {
			tags[k] = deref(tag.Value)
		}
	}
	return tags, nil
}

// isAWSKey reports whether a tag key is reserved to AWS.
func isAWSKey(k string) bool { return strings.HasPrefix(strings.ToLower(k), "aws:") }

// CreateChecksOwnership reports that Create reads the name itself:
// CreateStateMachine refuses a name in use, and Create then claims the
// state machine only when it carries Sluice's tags for t.
func (b *Backend) CreateChecksOwnership(t sluice.ResourceType) bool {
	return t == sluice.TypeStateMachine
}

var _ reconcile.OwnershipChecker = (*Backend)(nil)

// Create makes the state machine with its tags and returns its identity.
// A name taken by a state machine without Sluice's ownership tags for t,
// and an invalid spec, are stalled; a name still being deleted is waiting.
func (b *Backend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	s, err := parseSpec(t.Spec)
	if err != nil {
		return sluice.Observation{}, sluice.Stalled(err)
	}
	if err := b.validate(ctx, s); err != nil {
		return sluice.Observation{}, err
	}
	out, err := b.api.CreateStateMachine(ctx, createInput(s, t.Tags))
	switch code := errorCode(err); {
	case code == codeAlreadyExists:
		return b.claim(ctx, t)
	case err != nil:
		return sluice.Observation{}, classify("create state machine", t.Name, err)
	}
	arn := deref(out.StateMachineArn)
	tags, err := b.tags(ctx, arn)
	if err != nil {
		return sluice.Observation{}, classify("list tags of state machine", t.Name, err)
	}
	obs := sluice.Observation{Exists: true, ARN: arn, Tags: tags, Spec: t.Spec, Status: string(types.StateMachineStatusActive)}
	if !owns(t, obs) {
		return sluice.Observation{}, notOwned(t, arn)
	}
	return obs, nil
}

// claim handles a name already taken: the state machine is returned when
// it is Sluice's own for t (left by an interrupted apply), waiting while
// it is being deleted, and stalled otherwise.
func (b *Backend) claim(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	t.ARN = ""
	obs, err := b.Observe(ctx, t)
	switch {
	case err != nil:
		return sluice.Observation{}, err
	case !obs.Exists, obs.InProgress:
		return sluice.Observation{}, sluice.Waiting(deletingWait, fmt.Errorf("state machine name %s is being released", t.Name))
	case !owns(t, obs):
		return sluice.Observation{}, notOwned(t, obs.ARN)
	}
	return obs, nil
}

// owns reports whether obs carries Sluice's ownership tags for t.
func owns(t sluice.Target, obs sluice.Observation) bool {
	return obs.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID)
}

func notOwned(t sluice.Target, arn string) error {
	return sluice.Stalled(fmt.Errorf("state machine name %s is taken by %s, which does not carry Sluice's ownership tags for %s: refusing to adopt it", t.Name, arn, t.ID))
}

// createInput builds CreateStateMachine's input from a spec and tags.
func createInput(s spec, tags map[string]string) *sfn.CreateStateMachineInput {
	in := &sfn.CreateStateMachineInput{
		Name:                 aws.String(s.Name),
		Definition:           aws.String(string(s.Definition)),
		RoleArn:              aws.String(s.RoleArn),
		LoggingConfiguration: sdkLogging(s.Logging),
		TracingConfiguration: sdkTracing(s.Tracing),
		Tags:                 sdkTags(tags),
	}
	if s.Type != "" {
		in.Type = types.StateMachineType(s.Type)
	}
	return in
}

// sdkTags converts tags for the SDK, aws: keys left out.
func sdkTags(tags map[string]string) []types.Tag {
	out := make([]types.Tag, 0, len(tags))
	for k, v := range tags {
		if !isAWSKey(k) {
			out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
	}
	return out
}

// validate checks s's definition with ValidateStateMachineDefinition when
// Options.Validate is set; a definition found invalid is stalled.
func (b *Backend) validate(ctx context.Context, s spec) error {
	if !b.opts.Validate {
		return nil
	}
	in := &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(string(s.Definition)), Type: types.StateMachineType(s.Type)}
	out, err := b.api.ValidateStateMachineDefinition(ctx, in)
	if err != nil {
		return classify("validate state machine definition", s.Name, err)
	}
	if out.Result == types.ValidateStateMachineDefinitionResultCodeOk {
		return nil
	}
	msgs := make([]string, 0, len(out.Diagnostics))
	for _, d := range out.Diagnostics {
		msgs = append(msgs, fmt.Sprintf("%s at %s: %s", deref(d.Code), deref(d.Location), deref(d.Message)))
	}
	return sluice.Stalled(fmt.Errorf("state machine %s: invalid definition: %s", s.Name, strings.Join(msgs, "; ")))
}

// specMap splits a spec into its top-level fields.
func specMap(raw json.RawMessage) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(raw, &m)
	return m
}
