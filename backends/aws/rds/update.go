package rds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// modifyKey maps each spec key ModifyDBInstance can change to its
// parameter name there; a key missing here cannot be changed in place.
func modifyKey(k string) (string, bool) {
	switch k {
	case "Port":
		return "DBPortNumber", true
	case "AllocatedStorage", "BackupRetentionPeriod", "DBInstanceClass", "DBSubnetGroupName",
		"DeletionProtection", "EngineVersion", "ManageMasterUserPassword", "MaxAllocatedStorage",
		"MultiAZ", "PubliclyAccessible", "StorageType", "VpcSecurityGroupIds", "Iops",
		"StorageThroughput", "AutoMinorVersionUpgrade", "CopyTagsToSnapshot", "DBParameterGroupName",
		"PreferredBackupWindow", "PreferredMaintenanceWindow", "MonitoringInterval", "MonitoringRoleArn",
		"EnableIAMDatabaseAuthentication", "EnablePerformanceInsights", "CACertificateIdentifier",
		"OptionGroupName", "NetworkType", "MasterUserSecretKmsKeyId":
		return k, true
	}
	return "", false
}

// disruptive reports whether changing k restarts the database.
func disruptive(k string) bool { return k == "DBInstanceClass" || k == "EngineVersion" }

// Update sends one ModifyDBInstance with the fields that differ from
// current, then sets the tags that differ. It refuses (waiting) while the
// instance is not available; a field RDS cannot change in place returns
// reconcile.ErrReplace. See the package doc for ApplyImmediately.
func (b *Backend) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	const name = "Update"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return sluice.Observation{}, err
	}
	changed, err := changedKeys(s, current.Spec)
	if err != nil {
		return sluice.Observation{}, sluice.E(op(name, t), sluice.KindInternal, err)
	}
	if !modifiable(current.Status, changed) {
		return sluice.Observation{}, b.notAvailable(op(name, t), current.Status)
	}
	obs := current
	if len(changed) > 0 {
		if obs, err = b.modify(ctx, t, s, changed); err != nil {
			return sluice.Observation{}, err
		}
	}
	arn := current.ARN
	if arn == "" {
		arn = t.ARN
	}
	if err := b.setTags(ctx, arn, current.Tags, t.Tags); err != nil {
		return sluice.Observation{}, b.classify(op(name, t), err)
	}
	obs.Tags = userTags(t.Tags)
	return obs, nil
}

// modifiable reports whether RDS accepts a modification of changed in
// status: when available, and when storage-full for a change that
// includes more storage (the way out of it).
func modifiable(status string, changed []string) bool {
	if status == StatusAvailable {
		return true
	}
	return status == "storage-full" && slices.Contains(changed, "AllocatedStorage")
}

// notAvailable is the error for an instance that cannot be modified: a
// transitional status is waiting, any other (failed, stopped,
// storage-full, ...) needs a person.
func (b *Backend) notAvailable(opName, status string) error {
	err := sluice.E(opName, sluice.KindConflict, fmt.Errorf("DB instance is %q, not %q", status, StatusAvailable))
	if transitional(status) {
		return sluice.Waiting(b.opts.Poll, err)
	}
	return sluice.Stalled(err)
}

// changedKeys returns the RDS keys of s whose value differs from the
// observed spec, sorted.
func changedKeys(s spec, observedSpec json.RawMessage) ([]string, error) {
	observed := map[string]json.RawMessage{}
	if len(observedSpec) > 0 {
		if err := json.Unmarshal(observedSpec, &observed); err != nil {
			return nil, err
		}
	}
	var changed []string
	for k, raw := range s.apiKeys() {
		var d, o any
		_ = json.Unmarshal(raw, &d)
		_ = json.Unmarshal(observed[k], &o)
		if !reflect.DeepEqual(d, o) {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	return changed, nil
}

// modify sends ModifyDBInstance with the changed keys.
func (b *Backend) modify(ctx context.Context, t sluice.Target, s spec, changed []string) (sluice.Observation, error) {
	const name = "Update"
	in, err := b.modifyInput(s, changed)
	if err != nil {
		return sluice.Observation{}, sluice.E(op(name, t), sluice.KindConflict, err)
	}
	out, err := b.client.ModifyDBInstance(ctx, in)
	if err != nil {
		return sluice.Observation{}, b.classify(op(name, t), err)
	}
	obs, err := observation(s, out.DBInstance)
	if err != nil {
		return sluice.Observation{}, sluice.E(op(name, t), sluice.KindInternal, err)
	}
	return obs, nil
}

// modifyInput builds the ModifyDBInstance input for the changed keys. It
// returns an error wrapping reconcile.ErrReplace when a key cannot be
// changed in place.
func (b *Backend) modifyInput(s spec, changed []string) (*rds.ModifyDBInstanceInput, error) {
	params := map[string]json.RawMessage{}
	immediate := true
	for _, k := range changed {
		p, ok := modifyKey(k)
		if !ok {
			return nil, fmt.Errorf("%s cannot change in place: %w", k, reconcile.ErrReplace)
		}
		params[p] = s.keys[k]
		if b.opts.DeferDisruptive && disruptive(k) {
			immediate = false
		}
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	var in rds.ModifyDBInstanceInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	if slices.Contains(changed, "MaxAllocatedStorage") && in.MaxAllocatedStorage == nil {
		if err := autoscalingOff(s, &in); err != nil {
			return nil, err
		}
	}
	in.DBInstanceIdentifier = aws.String(s.id)
	in.ApplyImmediately = aws.Bool(immediate)
	if in.EngineVersion != nil {
		in.AllowMajorVersionUpgrade = aws.Bool(true)
	}
	return &in, nil
}

// autoscalingOff asks RDS to turn storage autoscaling off, as a null
// MaxAllocatedStorage says: RDS takes a limit equal to the allocated
// storage as "no autoscaling" (Amazon RDS User Guide, "Turning off
// storage autoscaling"), and a modification cannot leave the field out
// to mean it.
func autoscalingOff(s spec, in *rds.ModifyDBInstanceInput) error {
	var gib int32
	if err := json.Unmarshal(s.keys["AllocatedStorage"], &gib); err != nil || gib <= 0 {
		return sluice.Stalled(errors.New("MaxAllocatedStorage null (no storage autoscaling) needs AllocatedStorage in the spec"))
	}
	in.MaxAllocatedStorage = aws.Int32(gib)
	return nil
}

// setTags adds the tags of want that have differs from have and removes
// those want no longer has (aws: keys are never touched).
func (b *Backend) setTags(ctx context.Context, arn string, have, want map[string]string) error {
	want = userTags(want)
	add := map[string]string{}
	for k, v := range want {
		if w, ok := have[k]; !ok || w != v {
			add[k] = v
		}
	}
	var remove []string
	for k := range userTags(have) {
		if _, ok := want[k]; !ok && !strings.HasPrefix(k, "aws:") {
			remove = append(remove, k)
		}
	}
	sort.Strings(remove)
	if len(add) > 0 {
		if _, err := b.client.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: aws.String(arn), Tags: tagList(add)}); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		_, err := b.client.RemoveTagsFromResource(ctx, &rds.RemoveTagsFromResourceInput{ResourceName: aws.String(arn), TagKeys: remove})
		return err
	}
	return nil
}
