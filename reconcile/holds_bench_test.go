package reconcile_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// BenchmarkPlanPruneOne plans an environment of 1,000 pipelines of 20
// steps (21,000 applied resources, state machine definitions of about
// 20 KB) in which one pipeline is gone: every remaining spec is read
// once for references to what would be deleted.
func BenchmarkPlanPruneOne(b *testing.B) {
	const pipelines, steps = 1000, 20
	var applied []reconcile.Applied
	var desired []sluice.Resource
	for p := 0; p < pipelines; p++ {
		file := fmt.Sprintf("deploy/p%d.yaml", p)
		var def strings.Builder
		var deps []sluice.ResourceID
		for s := 0; s < steps; s++ {
			jd := reconcile.Applied{ID: sluice.ResourceID(fmt.Sprintf("JobDefinition/p%d.s%d", p, s)), Type: sluice.TypeJobDefinition,
				Name: fmt.Sprintf("proj-dev-p%d_s%d", p, s), Source: fmt.Sprintf("Pipeline/p%d", p), File: file, SpecHash: "h",
				Deletion: sluice.DeletionDelete, Spec: json.RawMessage(`{"containerProperties":{"image":"python:3.12"}}`)}
			applied = append(applied, jd)
			deps = append(deps, jd.ID)
			fmt.Fprintf(&def, `{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync","Parameters":{"JobDefinition":"%s","JobQueue":"proj-dev-cpu","JobName":"x","ContainerOverrides":{"Command":["python3","-c","print(1)"]}},"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}]}`+strings.Repeat(" ", 700), jd.Name)
		}
		spec, _ := json.Marshal(map[string]string{"definition": def.String()})
		sm := reconcile.Applied{ID: sluice.ResourceID(fmt.Sprintf("StateMachine/p%d", p)), Type: sluice.TypeStateMachine,
			Name: fmt.Sprintf("proj-dev-p%d", p), Source: fmt.Sprintf("Pipeline/p%d", p), File: file, SpecHash: "h",
			Deletion: sluice.DeletionDelete, DependsOn: append(deps, "JobQueue/cpu"), Spec: spec}
		applied = append(applied, sm)
	}
	for _, a := range applied[steps+1:] {
		desired = append(desired, sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name, Source: a.Source, File: a.File,
			DependsOn: a.DependsOn, Hash: "h", Deletion: a.Deletion, Spec: a.Spec})
	}
	in := reconcile.PlanInput{Desired: desired, Applied: applied, AllowPrune: true}
	b.ResetTimer()
	for b.Loop() {
		p := reconcile.ComputePlan(in)
		if c := p.Counts(); c[reconcile.ActionDelete] != steps+1 {
			b.Fatalf("plan deletes %d, want %d", c[reconcile.ActionDelete], steps+1)
		}
	}
}
