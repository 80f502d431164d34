package rds

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/sluice-dev/sluice"
)

// StatusAvailable is the only status in which an instance is modified.
const StatusAvailable = "available"

// Observe reads the instance with DescribeDBInstances. One that does not
// exist is Observation{Exists: false}.
func (b *Backend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	const name = "Observe"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return sluice.Observation{}, err
	}
	db, err := b.describe(ctx, s.id)
	if err != nil || db == nil {
		return sluice.Observation{}, b.classify(op(name, t), err)
	}
	obs, err := observation(s, db)
	if err != nil {
		return sluice.Observation{}, sluice.E(op(name, t), sluice.KindInternal, err)
	}
	return obs, nil
}

// describe returns the instance, nil when there is none.
func (b *Backend) describe(ctx context.Context, id string) (*types.DBInstance, error) {
	out, err := b.client.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	var nf *types.DBInstanceNotFoundFault
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range out.DBInstances {
		if aws.ToString(out.DBInstances[i].DBInstanceIdentifier) == id {
			return &out.DBInstances[i], nil
		}
	}
	return nil, nil
}

// observation reports db in the shape of s.
func observation(s spec, db *types.DBInstance) (sluice.Observation, error) {
	observed, err := observedSpec(s, db)
	if err != nil {
		return sluice.Observation{}, err
	}
	status := aws.ToString(db.DBInstanceStatus)
	pending, err := hasPending(db.PendingModifiedValues)
	return sluice.Observation{
		Exists: true, ARN: aws.ToString(db.DBInstanceArn), Tags: tagMap(db.TagList),
		Spec: observed, Status: status, InProgress: transitional(status) || pending,
	}, err
}

// transitional reports whether status is one RDS passes through on its
// own (the instance settles without anyone acting).
func transitional(status string) bool {
	switch status {
	case "backing-up", "creating", "deleting", "maintenance", "modifying", "moving-to-vpc",
		"rebooting", "renaming", "resetting-master-credentials", "starting", "stopping",
		"storage-optimization", "storage-config-upgrade", "upgrading":
		return true
	}
	return strings.HasPrefix(status, "configuring-")
}

// hasPending reports whether RDS holds changes not yet applied: any
// field of PendingModifiedValues that is set.
func hasPending(p *types.PendingModifiedValues) (bool, error) {
	m, err := object(p)
	for _, v := range m {
		if set(v) {
			return true, err
		}
	}
	return false, err
}

// set reports whether a JSON value is present: not null, not an empty
// string (an unset enumeration), not an empty list or object.
func set(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	default:
		return true
	}
}

// observedSpec returns the fields s sets as db has them, pending values
// laid over, as normalised JSON. A field RDS does not report (or Sluice's
// own keys) takes the desired value: no opinion.
func observedSpec(s spec, db *types.DBInstance) (json.RawMessage, error) {
	actual, err := object(db)
	if err != nil {
		return nil, err
	}
	pending, err := object(db.PendingModifiedValues)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(s.keys))
	for k, raw := range s.keys {
		var desired any
		if err := json.Unmarshal(raw, &desired); err != nil {
			return nil, err
		}
		out[k] = desired
		if v, ok := field(k, db, actual, pending); ok {
			out[k] = settle(k, desired, v, actual)
		}
	}
	return json.Marshal(out)
}

// field returns the value of spec key k on db: the pending value when
// RDS holds one, else the current one; false when RDS does not report it.
func field(k string, db *types.DBInstance, actual, pending map[string]any) (any, bool) {
	if v := pending[k]; set(v) {
		return v, true
	}
	switch k {
	case "DBSubnetGroupName":
		if db.DBSubnetGroup == nil {
			return nil, false
		}
		return aws.ToString(db.DBSubnetGroup.DBSubnetGroupName), true
	case "VpcSecurityGroupIds":
		return securityGroups(db.VpcSecurityGroups), true
	case "DBName":
		// An instance created without a database reports none: a
		// database added to the document later is a difference (one
		// RDS can only make by replacing the instance), not "no opinion".
		return aws.ToString(db.DBName), true
	case "ManageMasterUserPassword":
		return db.MasterUserSecret != nil, true
	case "Port":
		if db.Endpoint == nil || db.Endpoint.Port == nil {
			return nil, false
		}
		return float64(*db.Endpoint.Port), true
	case "EnableIAMDatabaseAuthentication":
		return actual["IAMDatabaseAuthenticationEnabled"], actual["IAMDatabaseAuthenticationEnabled"] != nil
	case "EnablePerformanceInsights":
		return actual["PerformanceInsightsEnabled"], actual["PerformanceInsightsEnabled"] != nil
	}
	v := actual[k]
	return v, v != nil
}

// settle takes values RDS derives from the desired one as the desired
// one: an engine version "16.3" for "16", storage that autoscaling grew
// past the desired size (within MaxAllocatedStorage). A storage limit
// equal to the allocated storage is no autoscaling: null.
func settle(k string, desired, observed any, actual map[string]any) any {
	switch k {
	case "EngineVersion":
		d, _ := desired.(string)
		if o, ok := observed.(string); ok && d != "" && strings.HasPrefix(o, d+".") {
			return desired
		}
	case "AllocatedStorage":
		d, _ := desired.(float64)
		o, _ := observed.(float64)
		limit, _ := actual["MaxAllocatedStorage"].(float64)
		if o > d && limit >= o {
			return desired
		}
	case "MaxAllocatedStorage":
		if allocated, ok := actual["AllocatedStorage"].(float64); ok && observed == allocated {
			return nil
		}
	}
	return observed
}

// securityGroups returns the IDs of the instance's VPC security groups
// that are not being removed, sorted.
func securityGroups(list []types.VpcSecurityGroupMembership) []any {
	ids := make([]string, 0, len(list))
	for _, g := range list {
		if aws.ToString(g.Status) != "removing" {
			ids = append(ids, aws.ToString(g.VpcSecurityGroupId))
		}
	}
	sort.Strings(ids)
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// object returns v as a JSON object; nil v is an empty one.
func object(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(raw, &m)
	return m, err
}
