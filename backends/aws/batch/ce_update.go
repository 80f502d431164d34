package batch

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice"
)

// What UpdateComputeEnvironment can change, after the AWS Batch user
// guide ("Updating compute environments"):
//   - scaling fields, always in place;
//   - infrastructure fields, in place only when the environment uses the
//     service-linked role and an updatable allocation strategy before
//     and after (instances are replaced); otherwise a blue/green
//     replacement;
//   - Fargate environments: subnets and security groups only.
//
// desiredvCpus is moved by the service itself and never compared.

// scalingField reports whether a computeResources field is always
// updatable in place.
func scalingField(k string) bool {
	return k == "minvCpus" || k == "maxvCpus"
}

// infraField reports whether a computeResources field is updatable in
// place under the infrastructure-update rules.
func infraField(k string) bool {
	switch k {
	case "allocationStrategy", "instanceTypes", "bidPercentage", "imageId", "ec2Configuration",
		"launchTemplate", "ec2KeyPair", "instanceRole", "tags", "subnets", "securityGroupIds",
		"updateToLatestImageVersion":
		return true
	}
	return false
}

// topField reports whether a top-level field is updatable in place.
func topField(k string) bool {
	switch k {
	case "state", "serviceRole", "updatePolicy", "unmanagedvCpus":
		return true
	}
	return false
}

// updatableStrategy reports whether an allocation strategy allows
// infrastructure updates.
func updatableStrategy(s any) bool {
	switch s {
	case "BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED", "SPOT_PRICE_CAPACITY_OPTIMIZED":
		return true
	}
	return false
}

// serviceLinked reports whether a service role is Batch's service-linked
// role (no role, or an empty one, means it).
func serviceLinked(role any) bool {
	s, _ := role.(string)
	return s == "" || strings.HasSuffix(s, "/AWSServiceRoleForBatch")
}

// ceUpdate builds the UpdateComputeEnvironment input for what differs
// between t and current: nil when nothing does, ErrReplace (wrapped)
// when a difference cannot be made in place.
func ceUpdate(t sluice.Target, current sluice.Observation) (*batch.UpdateComputeEnvironmentInput, error) {
	want, err := decodeSpec(t.Spec)
	if err != nil {
		return nil, invalidSpec(t, err)
	}
	have, err := decodeSpec(current.Spec)
	if err != nil {
		return nil, invalidSpec(t, err)
	}
	top, cr, err := ceChanges(t, want, have)
	if err != nil || (len(top) == 0 && len(cr) == 0) {
		return nil, err
	}
	return ceInput(t, current.ARN, want, top, cr)
}

// ceChanges lists the changed top-level and computeResources fields,
// or returns ErrReplace for the first one that cannot change in place.
func ceChanges(t sluice.Target, want, have map[string]any) (top, cr []string, err error) {
	wantCR, haveCR := object(want["computeResources"]), object(have["computeResources"])
	delete(wantCR, "desiredvCpus")
	delete(haveCR, "desiredvCpus")
	for _, k := range changed(want, have) {
		switch {
		case k == "computeResources":
		case k == "serviceRole" && serviceLinked(want[k]) != serviceLinked(have[k]):
			return nil, nil, roleSwitch(t, want[k])
		case topField(k):
			top = append(top, k)
		default:
			return nil, nil, replaceFor(t, k)
		}
	}
	fargate := strings.HasPrefix(asString(wantCR["type"]), "FARGATE")
	infraOK := serviceLinked(want["serviceRole"]) && serviceLinked(have["serviceRole"]) &&
		updatableStrategy(wantCR["allocationStrategy"]) && updatableStrategy(haveCR["allocationStrategy"])
	for _, k := range changed(wantCR, haveCR) {
		switch {
		case scalingField(k):
		case fargate && (k == "subnets" || k == "securityGroupIds"):
		case !fargate && infraField(k) && infraOK:
		default:
			return nil, nil, replaceFor(t, "computeResources."+k)
		}
		cr = append(cr, k)
	}
	return top, cr, nil
}

// ceInput decodes the changed fields of want into the update input.
func ceInput(t sluice.Target, arn string, want map[string]any, top, cr []string) (*batch.UpdateComputeEnvironmentInput, error) {
	body, err := subset(want, top)
	if err != nil {
		return nil, invalidSpec(t, err)
	}
	in := &batch.UpdateComputeEnvironmentInput{}
	if err := json.Unmarshal(body, in); err != nil {
		return nil, invalidSpec(t, err)
	}
	in.ComputeEnvironment = &arn
	if len(cr) == 0 {
		return in, nil
	}
	body, err = subset(object(want["computeResources"]), cr)
	if err != nil {
		return nil, invalidSpec(t, err)
	}
	in.ComputeResources = &types.ComputeResourceUpdate{}
	if err := json.Unmarshal(body, in.ComputeResources); err != nil {
		return nil, invalidSpec(t, err)
	}
	return in, nil
}

// roleSwitch is the stalled error for a service role that goes between
// Batch's service-linked role and a regular one: UpdateComputeEnvironment
// refuses it, and a replacement cannot finish while the environment's
// own job queue uses it (Batch refuses to delete it), so it would only
// leave the environment disabled. A person decides: keep the role, or
// give the compute environment a new name so that a new one (and queue)
// is created and the old one pruned.
func roleSwitch(t sluice.Target, want any) error {
	what := "to the service-linked role (serviceRole removed)"
	if !serviceLinked(want) {
		what = "from the service-linked role to " + asString(want)
	}
	return sluice.Stalled(sluice.E("batch.Update: "+string(t.ID), sluice.KindInvalid, fmt.Errorf(
		"serviceRole cannot change %s in place: AWS Batch does not move a compute environment between its service-linked role and a regular one; "+
			"keep the current role, or rename the ComputeEnvironment document to create a new environment and queue", what)))
}

// asString returns v as a string, "" when it is not one.
func asString(v any) string {
	s, _ := v.(string)
	return s
}
