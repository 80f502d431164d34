package main

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/rollout"
)

// target is the environment as the rollout sees it: its backends, its
// placeholder values and, when the tagging API is reachable, the bulk
// discoverer of state machines and buckets (a page of 100 resources a
// call, where their services need a call per resource).
func (o *awsOptions) target(env *awsEnv) *rollout.Target {
	return rolloutTarget(env)
}

// rolloutTarget is env as the rollout sees it.
func rolloutTarget(env *awsEnv) *rollout.Target {
	t := &rollout.Target{Backends: env.backends, Vars: env.vars, Runner: env.runner}
	if env.objects != nil {
		t.Artifacts = env.objects
	}
	if env.tagging != nil {
		t.Bulk = env.tagging
		t.BulkTypes = []sluice.ResourceType{sluice.TypeStateMachine, sluice.TypeBucket}
	}
	return t
}

// useTagging reports whether the tagging API is reachable given the
// --endpoint-url flag and the environment: an emulator configured by
// endpoint does not serve it unless it has an endpoint of its own
// (AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API).
func useTagging(endpoint string, getenv func(string) string) bool {
	if getenv("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API") != "" {
		return true
	}
	return endpoint == "" && getenv("AWS_ENDPOINT_URL") == ""
}
