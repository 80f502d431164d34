package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/logs"
	"github.com/sluice-dev/sluice/reconcile"
)

// Service principals the resources pass roles to (iam:PassedToService).
const (
	principalStates    = "states.amazonaws.com"
	principalScheduler = "scheduler.amazonaws.com"
	principalBatch     = "batch.amazonaws.com"
	principalEC2       = "ec2.amazonaws.com"
	principalSpotFleet = "spotfleet.amazonaws.com"
	principalECSTasks  = "ecs-tasks.amazonaws.com"
	principalS3        = "s3.amazonaws.com"
	principalRDSMon    = "monitoring.rds.amazonaws.com"
)

// policyScope gathers, from an environment's resolved specs, the
// resources of every statement and the roles passed to every service.
type policyScope struct {
	partition, region, account string
	resources                  map[string]map[string]bool
	roles                      map[string]map[string]bool
}

func (o *iamPolicyOptions) scope() *policyScope {
	sc := &policyScope{partition: o.partition, region: o.region, account: o.account,
		resources: map[string]map[string]bool{sidSTSAny: {"*": true}}, roles: map[string]map[string]bool{}}
	if sc.partition == "" {
		sc.partition = "aws"
	}
	if sc.region == "" {
		sc.region = "*"
	}
	if sc.account == "" {
		sc.account = "*"
	}
	return sc
}

// arn returns the ARN of a resource of service in the environment.
func (sc *policyScope) arn(service, resource string) string {
	return "arn:" + sc.partition + ":" + service + ":" + sc.region + ":" + sc.account + ":" + resource
}

func (sc *policyScope) allow(sid string, arns ...string) {
	if sc.resources[sid] == nil {
		sc.resources[sid] = map[string]bool{}
	}
	for _, a := range arns {
		sc.resources[sid][a] = true
	}
}

// pass records that a spec passes role (an ARN or a bare role name; an
// instance profile stands for the role of the same name) to principal.
func (sc *policyScope) pass(principal, role string) {
	switch {
	case role == "":
		return
	case !strings.HasPrefix(role, "arn:"):
		role = "arn:" + sc.partition + ":iam::" + sc.account + ":role/" + role
	default:
		role = strings.Replace(role, ":instance-profile/", ":role/", 1)
	}
	if sc.roles[principal] == nil {
		sc.roles[principal] = map[string]bool{}
	}
	sc.roles[principal][role] = true
}

// serviceLinkedRole returns the ARN of a service's service-linked role.
func (sc *policyScope) serviceLinkedRole(service, name string) string {
	return "arn:" + sc.partition + ":iam::" + sc.account + ":role/aws-service-role/" + service + "/" + name
}

// resourceARN is the ARN a resource's ${Type/name.arn} placeholder
// stands for in the policy, as the registry of types formats it; a
// schedule's group is "*". It fails for a type Sluice does not know.
func (sc *policyScope) resourceARN(r sluice.Resource) (string, error) {
	info, err := sluice.LookupType(r.Type)
	if err != nil {
		return "", fmt.Errorf("%s: %w", r.ID, err)
	}
	return info.ARN(sc.partition, sc.region, sc.account, r.Name), nil
}

// scopeAdders returns, per resource type, what applying a resource of
// that type needs granted; a test checks that every type of the registry
// has one.
func scopeAdders() map[sluice.ResourceType]func(*policyScope, sluice.Resource, json.RawMessage) {
	return map[sluice.ResourceType]func(*policyScope, sluice.Resource, json.RawMessage){
		sluice.TypeStateMachine:       (*policyScope).addStateMachine,
		sluice.TypeSchedule:           (*policyScope).addSchedule,
		sluice.TypeBucket:             (*policyScope).addBucket,
		sluice.TypeDBInstance:         (*policyScope).addDBInstance,
		sluice.TypeComputeEnvironment: (*policyScope).addComputeEnvironment,
		sluice.TypeJobQueue:           (*policyScope).addJobQueue,
		sluice.TypeJobDefinition:      (*policyScope).addJobDefinition,
		sluice.TypeEventQueue:         (*policyScope).addEventQueue,
		sluice.TypeEventRule:          (*policyScope).addEventRule,
	}
}

// add records what applying r needs: its ARNs under the statements of
// its kind and the roles its spec passes. It fails for a type Sluice
// does not know rather than leave it out of the policy.
func (sc *policyScope) add(r sluice.Resource, spec json.RawMessage) error {
	if _, err := sc.resourceARN(r); err != nil {
		return err
	}
	add, ok := scopeAdders()[r.Type]
	if !ok {
		return fmt.Errorf("%s: no IAM scope is known for %s resources", r.ID, r.Type)
	}
	add(sc, r, spec)
	return nil
}

func (sc *policyScope) addStateMachine(r sluice.Resource, spec json.RawMessage) {
	var s struct {
		RoleArn string `json:"roleArn"`
	}
	_ = json.Unmarshal(spec, &s)
	sc.allow(sidStateMachines, sc.mustARN(r))
	sc.allow(sidExecutions, sc.arn("states", "execution:"+r.Name+":*"))
	sc.allow(sidStatesAny, "*")
	sc.allow(sidStatesDiscover, sc.arn("states", "stateMachine:*"))
	sc.allow(sidTaggingAny, "*")
	sc.pass(principalStates, s.RoleArn)
}

func (sc *policyScope) addSchedule(r sluice.Resource, spec json.RawMessage) {
	var s struct {
		GroupName string
		Target    struct{ RoleArn string }
	}
	_ = json.Unmarshal(spec, &s)
	if s.GroupName == "" {
		s.GroupName = "default"
	}
	sc.allow(sidSchedules, sc.arn("scheduler", "schedule/"+s.GroupName+"/"+r.Name))
	sc.allow(sidSchedulerAny, "*")
	sc.allow(sidSchedulerDiscover, sc.arn("scheduler", "schedule/*"))
	sc.pass(principalScheduler, s.Target.RoleArn)
}

func (sc *policyScope) addBucket(r sluice.Resource, spec json.RawMessage) {
	var s struct {
		Replication struct{ Role string } `json:"replication"`
	}
	_ = json.Unmarshal(spec, &s)
	sc.allow(sidBuckets, sc.mustARN(r))
	sc.allow(sidBucketObjects, sc.mustARN(r)+"/*")
	sc.allow(sidS3Any, "*")
	sc.allow(sidS3Discover, "arn:"+sc.partition+":s3:::*")
	sc.allow(sidTaggingAny, "*")
	sc.pass(principalS3, s.Replication.Role)
}

func (sc *policyScope) addDBInstance(r sluice.Resource, spec json.RawMessage) {
	var s struct {
		DBSubnetGroupName, DBParameterGroupName, OptionGroupName, MonitoringRoleArn string
		ManageMasterUserPassword, SkipFinalSnapshot                                 bool
	}
	_ = json.Unmarshal(spec, &s)
	sc.allow(sidDBInstances, sc.mustARN(r))
	sc.allow(sidRDSDiscover, sc.arn("rds", "db:*"))
	for kind, name := range map[string]string{"subgrp": s.DBSubnetGroupName, "pg": s.DBParameterGroupName, "og": s.OptionGroupName} {
		if name != "" {
			sc.allow(sidDBInstances, sc.arn("rds", kind+":"+name))
		}
	}
	if !s.SkipFinalSnapshot {
		sc.allow(sidDBSnapshots, sc.arn("rds", "snapshot:"+r.Name+"-final-*"))
	}
	if s.ManageMasterUserPassword {
		sc.allow(sidDBSecrets, sc.arn("secretsmanager", "secret:rds!db-*"))
		sc.allow(sidKMSAny, "*")
	}
	sc.pass(principalRDSMon, s.MonitoringRoleArn)
}

func (sc *policyScope) addComputeEnvironment(r sluice.Resource, spec json.RawMessage) {
	var s struct {
		ServiceRole      string `json:"serviceRole"`
		ComputeResources struct {
			InstanceRole     string `json:"instanceRole"`
			SpotIamFleetRole string `json:"spotIamFleetRole"`
		} `json:"computeResources"`
	}
	_ = json.Unmarshal(spec, &s)
	sc.allow(sidComputeEnvs, sc.mustARN(r))
	sc.allow(sidBatchAny, "*")
	sc.pass(principalBatch, s.ServiceRole)
	if spec != nil && s.ServiceRole == "" {
		sc.allow(sidBatchServiceLinkedRole, sc.serviceLinkedRole("batch.amazonaws.com", "AWSServiceRoleForBatch"))
	}
	sc.pass(principalEC2, s.ComputeResources.InstanceRole)
	sc.pass(principalSpotFleet, s.ComputeResources.SpotIamFleetRole)
}

func (sc *policyScope) addJobQueue(r sluice.Resource, spec json.RawMessage) {
	var s struct {
		Order []struct {
			ComputeEnvironment string `json:"computeEnvironment"`
		} `json:"computeEnvironmentOrder"`
	}
	_ = json.Unmarshal(spec, &s)
	sc.allow(sidJobQueues, sc.mustARN(r))
	sc.allow(sidBatchAny, "*")
	for _, o := range s.Order {
		ce := o.ComputeEnvironment
		if !strings.HasPrefix(ce, "arn:") {
			ce = sc.arn("batch", "compute-environment/"+ce)
		}
		sc.allow(sidComputeEnvs, ce)
	}
}

func (sc *policyScope) addJobDefinition(r sluice.Resource, spec json.RawMessage) {
	var s struct {
		Container struct {
			JobRoleArn       string `json:"jobRoleArn"`
			ExecutionRoleArn string `json:"executionRoleArn"`
			LogConfiguration struct {
				LogDriver string            `json:"logDriver"`
				Options   map[string]string `json:"options"`
			} `json:"logConfiguration"`
		} `json:"containerProperties"`
	}
	_ = json.Unmarshal(spec, &s)
	arn := sc.mustARN(r)
	sc.allow(sidJobDefs, arn, arn+":*")
	sc.allow(sidBatchAny, "*")
	// The streams of the log group the jobs write to: Batch's default
	// unless the definition's awslogs driver names another.
	group := logs.DefaultGroup
	if c := s.Container.LogConfiguration; c.LogDriver == "awslogs" && c.Options["awslogs-group"] != "" {
		group = c.Options["awslogs-group"]
	}
	sc.allow(sidBatchLogs, sc.arn("logs", "log-group:"+group+":*"))
	sc.pass(principalECSTasks, s.Container.JobRoleArn)
	sc.pass(principalECSTasks, s.Container.ExecutionRoleArn)
}

// addEventQueue grants the run events' queue: managing it, and the
// reads that find queues by their tags.
func (sc *policyScope) addEventQueue(r sluice.Resource, _ json.RawMessage) {
	sc.allow(sidEventQueues, sc.mustARN(r))
	sc.allow(sidSQSAny, "*")
	sc.allow(sidSQSDiscover, sc.arn("sqs", "*"))
}

// addEventRule grants the run events' rule: managing it and its targets
// (a queue, which needs no role passed), and the reads that find rules
// by their tags.
func (sc *policyScope) addEventRule(r sluice.Resource, _ json.RawMessage) {
	sc.allow(sidEventRules, sc.mustARN(r))
	sc.allow(sidEventsAny, "*")
	sc.allow(sidEventsDiscover, sc.arn("events", "rule/*"))
}

// addApplied grants what deleting a resource Sluice applied before needs:
// its ARNs, as recorded (a schedule's names its group), without the
// roles its old spec passed.
func (sc *policyScope) addApplied(a reconcile.Applied) error {
	r := sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name}
	var spec json.RawMessage
	if a.Type == sluice.TypeSchedule {
		if _, path, ok := strings.Cut(a.ARN, ":schedule/"); ok {
			if group, _, ok := strings.Cut(path, "/"); ok {
				spec, _ = json.Marshal(map[string]string{"GroupName": group})
			}
		}
	}
	return sc.add(r, spec)
}

// mustARN is resourceARN for the adders, which add checked the type of.
func (sc *policyScope) mustARN(r sluice.Resource) string {
	arn, _ := sc.resourceARN(r)
	return arn
}
