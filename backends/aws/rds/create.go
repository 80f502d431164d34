package rds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/sluice-dev/sluice"
)

// Create calls CreateDBInstance with the spec and t's tags and returns
// the new instance's identity at once (it is creating, InProgress). An
// instance of that identifier that carries Sluice's tags for t (left by
// an interrupted create) is returned as observed; one without them is a
// stalled error. A spec RDS refuses is a stalled error.
func (b *Backend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	const name = "Create"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return sluice.Observation{}, err
	}
	in, err := createInput(s, t.Tags)
	if err != nil {
		return sluice.Observation{}, sluice.Stalled(sluice.E(op(name, t), sluice.KindInvalid, err))
	}
	out, err := b.client.CreateDBInstance(ctx, in)
	var taken *types.DBInstanceAlreadyExistsFault
	if errors.As(err, &taken) {
		return b.taken(ctx, t)
	}
	if err != nil {
		return sluice.Observation{}, b.classify(op(name, t), err)
	}
	obs, err := observation(s, out.DBInstance)
	if err != nil {
		return sluice.Observation{}, sluice.E(op(name, t), sluice.KindInternal, err)
	}
	obs.InProgress = obs.InProgress || obs.Status != StatusAvailable
	return obs, nil
}

// taken handles an identifier already in use: Sluice's own instance is
// observed, anyone else's is a stalled error.
func (b *Backend) taken(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	obs, err := b.Observe(ctx, t)
	if err != nil {
		return sluice.Observation{}, err
	}
	if obs.Exists && obs.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID) {
		return obs, nil
	}
	return sluice.Observation{}, sluice.Stalled(sluice.E(op("Create", t), sluice.KindConflict,
		fmt.Errorf("DB instance %s exists without Sluice's ownership tags for %s: Sluice never adopts it", t.Name, t.ID)))
}

// createInput decodes the spec into a CreateDBInstance input, with tags.
// A key that is not a CreateDBInstance parameter is an error.
func createInput(s spec, tags map[string]string) (*rds.CreateDBInstanceInput, error) {
	raw, err := json.Marshal(s.apiKeys())
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var in rds.CreateDBInstanceInput
	if err := dec.Decode(&in); err != nil {
		return nil, err
	}
	in.Tags = tagList(tags)
	return &in, nil
}
