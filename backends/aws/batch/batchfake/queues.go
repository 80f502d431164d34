package batchfake

import "maps"

// resolveOrder checks that every compute environment of a queue's order
// exists and is VALID, and rewrites names to ARNs as AWS stores them.
func (s *Server) resolveOrder(order any) ([]any, *apiError) {
	list, _ := order.([]any)
	out := make([]any, 0, len(list))
	for _, o := range list {
		m, _ := o.(map[string]any)
		key, _ := m["computeEnvironment"].(string)
		ce := find(s.ces, key)
		if ce == nil {
			return nil, clientError("computeEnvironment %s does not exist", key)
		}
		if ce.body["status"] != "VALID" {
			return nil, clientError("computeEnvironment %s is not VALID (status %v)", key, ce.body["status"])
		}
		r := maps.Clone(m)
		r["computeEnvironment"] = ce.body["computeEnvironmentArn"]
		out = append(out, r)
	}
	return out, nil
}

// createJQ answers CreateJobQueue.
func (s *Server) createJQ(req map[string]any) (any, *apiError) {
	order, err := s.resolveOrder(req["computeEnvironmentOrder"])
	if err != nil {
		return nil, err
	}
	e, err := create(s.jqs, "job-queue", "jobQueueName", "jobQueueArn", req)
	if err != nil {
		return nil, err
	}
	e.body["computeEnvironmentOrder"] = order
	return map[string]any{"jobQueueName": e.body["jobQueueName"], "jobQueueArn": e.body["jobQueueArn"]}, nil
}

// describeJQs answers DescribeJobQueues.
func (s *Server) describeJQs(req map[string]any) (any, *apiError) {
	keys, _ := req["jobQueues"].([]any)
	return map[string]any{"jobQueues": describe(s.jqs, keys)}, nil
}

// updateJQ answers UpdateJobQueue: the queue goes UPDATING with the new
// values.
func (s *Server) updateJQ(req map[string]any) (any, *apiError) {
	e, err := settled(s.jqs, str(req, "jobQueue"), "job queue")
	if err != nil {
		return nil, err
	}
	if o, ok := req["computeEnvironmentOrder"]; ok {
		order, err := s.resolveOrder(o)
		if err != nil {
			return nil, err
		}
		e.body["computeEnvironmentOrder"] = order
	}
	for _, k := range []string{"state", "priority", "schedulingPolicyArn", "jobStateTimeLimitActions"} {
		if v, ok := req[k]; ok {
			e.body[k] = v
		}
	}
	e.body["status"], e.next = "UPDATING", "VALID"
	return map[string]any{"jobQueueName": e.body["jobQueueName"], "jobQueueArn": e.body["jobQueueArn"]}, nil
}

// deleteJQ answers DeleteJobQueue: refused unless DISABLED and settled.
func (s *Server) deleteJQ(req map[string]any) (any, *apiError) {
	key := str(req, "jobQueue")
	e, err := settled(s.jqs, key, "job queue")
	if err != nil {
		return nil, err
	}
	if e.body["state"] != "DISABLED" {
		return nil, clientError("Cannot delete, job queue %s is ENABLED: disable it first", key)
	}
	e.body["status"], e.next = "DELETING", "DELETED"
	return map[string]any{}, nil
}
