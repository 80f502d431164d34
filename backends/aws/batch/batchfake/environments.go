package batchfake

import (
	"maps"
	"slices"
	"strings"
)

// busy reports whether an entity is in a transitional state.
func (e *entity) busy() bool {
	switch e.body["status"] {
	case "CREATING", "UPDATING", "DELETING":
		return true
	}
	return false
}

// find returns the live (not DELETED) entity a name or ARN names.
func find(group map[string]*entity, key string) *entity {
	e := group[nameOf(key)]
	if e == nil || e.body["status"] == "DELETED" {
		return nil
	}
	return e
}

// create records a new entity in CREATING, refusing a taken name.
func create(group map[string]*entity, kind, nameKey, arnKey string, req map[string]any) (*entity, *apiError) {
	name := str(req, nameKey)
	if name == "" {
		return nil, clientError("%s is required", nameKey)
	}
	if find(group, name) != nil {
		return nil, clientError("Object already exists")
	}
	body := maps.Clone(req)
	body[arnKey] = arn(kind, name)
	body["status"] = "CREATING"
	if body["state"] == nil {
		body["state"] = "ENABLED"
	}
	e := &entity{body: body, next: "VALID"}
	group[name] = e
	return e, nil
}

// describe lists the live entities the keys name, or all of them.
func describe(group map[string]*entity, keys []any) []map[string]any {
	out := []map[string]any{}
	if len(keys) == 0 {
		for _, name := range slices.Sorted(maps.Keys(group)) {
			out = append(out, group[name].body)
		}
		return out
	}
	for _, k := range keys {
		if s, ok := k.(string); ok && group[nameOf(s)] != nil {
			out = append(out, group[nameOf(s)].body)
		}
	}
	return out
}

// settled returns the entity a request names when it may be changed: it
// exists and is not busy.
func settled(group map[string]*entity, key, what string) (*entity, *apiError) {
	e := find(group, key)
	if e == nil {
		return nil, clientError("%s %s does not exist", what, key)
	}
	if e.busy() {
		return nil, clientError("%s %s is being modified (status %v)", what, key, e.body["status"])
	}
	return e, nil
}

// createCE answers CreateComputeEnvironment.
func (s *Server) createCE(req map[string]any) (any, *apiError) {
	e, err := create(s.ces, "compute-environment", "computeEnvironmentName", "computeEnvironmentArn", req)
	if err != nil {
		return nil, err
	}
	if str(req, "serviceRole") == "" {
		e.body["serviceRole"] = ServiceLinkedRole
	}
	return map[string]any{"computeEnvironmentName": e.body["computeEnvironmentName"], "computeEnvironmentArn": e.body["computeEnvironmentArn"]}, nil
}

// describeCEs answers DescribeComputeEnvironments.
func (s *Server) describeCEs(req map[string]any) (any, *apiError) {
	keys, _ := req["computeEnvironments"].([]any)
	return map[string]any{"computeEnvironments": describe(s.ces, keys)}, nil
}

// updateCE answers UpdateComputeEnvironment: the environment goes
// UPDATING with the new values.
func (s *Server) updateCE(req map[string]any) (any, *apiError) {
	e, err := settled(s.ces, str(req, "computeEnvironment"), "compute environment")
	if err != nil {
		return nil, err
	}
	if role, ok := req["serviceRole"].(string); ok && serviceLinked(role) != serviceLinked(str(e.body, "serviceRole")) {
		return nil, clientError("A compute environment's service role cannot change between the service-linked role and a regular IAM role")
	}
	for _, k := range []string{"state", "serviceRole", "updatePolicy", "unmanagedvCpus"} {
		if v, ok := req[k]; ok {
			e.body[k] = v
		}
	}
	if cr, ok := req["computeResources"].(map[string]any); ok {
		merged, _ := e.body["computeResources"].(map[string]any)
		merged = maps.Clone(merged)
		maps.Copy(merged, cr)
		e.body["computeResources"] = merged
	}
	e.body["status"], e.next = "UPDATING", "VALID"
	return map[string]any{"computeEnvironmentName": e.body["computeEnvironmentName"], "computeEnvironmentArn": e.body["computeEnvironmentArn"]}, nil
}

// ServiceLinkedRole is the role DescribeComputeEnvironments reports for
// a compute environment created without a serviceRole: Batch's
// service-linked role (CreateComputeEnvironment, serviceRole: "If no
// role is specified, the AWS Batch service-linked role is used").
const ServiceLinkedRole = "arn:aws:iam::" + Account + ":role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"

// serviceLinked reports whether role is Batch's service-linked role.
// UpdateComputeEnvironment refuses to change a compute environment
// between that role and a regular one (API reference, serviceRole: "If
// the compute environment has a service-linked role, it can't be changed
// to use a regular IAM role. Likewise, if the compute environment has a
// regular IAM role, it can't be changed to use a service-linked role.").
func serviceLinked(role string) bool {
	return role == "" || strings.HasSuffix(role, "/AWSServiceRoleForBatch")
}

// deleteCE answers DeleteComputeEnvironment: refused while ENABLED or
// while a live queue uses it; otherwise DELETING.
func (s *Server) deleteCE(req map[string]any) (any, *apiError) {
	key := str(req, "computeEnvironment")
	e, err := settled(s.ces, key, "compute environment")
	if err != nil {
		return nil, err
	}
	if e.body["state"] != "DISABLED" {
		return nil, clientError("Cannot delete, compute environment %s is ENABLED: disable it first", key)
	}
	for _, q := range s.jqs {
		if q.body["status"] != "DELETED" && slices.Contains(queueEnvironments(q), e.body["computeEnvironmentArn"]) {
			return nil, clientError("Cannot delete, found existing JobQueue relationship")
		}
	}
	e.body["status"], e.next = "DELETING", "DELETED"
	return map[string]any{}, nil
}

// queueEnvironments lists the compute environment ARNs a queue uses.
func queueEnvironments(q *entity) []any {
	order, _ := q.body["computeEnvironmentOrder"].([]any)
	out := make([]any, 0, len(order))
	for _, o := range order {
		if m, ok := o.(map[string]any); ok {
			out = append(out, m["computeEnvironment"])
		}
	}
	return out
}
