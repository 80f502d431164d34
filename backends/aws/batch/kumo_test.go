package batch_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/batch"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/schema"
	"github.com/sluice-dev/sluice/templates"
)

// compiled returns the Batch resources the training template compiles
// to in dev, placeholders resolved, in creation order.
func compiled(t *testing.T) []sluice.Target {
	t.Helper()
	dir := t.TempDir()
	if err := templates.Scaffold("training", dir, "churn"); err != nil {
		t.Fatal(err)
	}
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	loader, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := loader.Load(t.Context(), project.NewDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	res, diags := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Valid("dev"), Env: "dev", Revision: "r1"})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var out []sluice.Target
	for _, r := range res {
		switch r.Type {
		case sluice.TypeComputeEnvironment, sluice.TypeJobQueue, sluice.TypeJobDefinition:
			r.Spec = resolve(t, r.Spec)
			out = append(out, sluice.Target{Resource: r})
		}
	}
	return out
}

// placeholder matches any ${...} the compiler leaves in a spec.
var placeholder = regexp.MustCompile(`\$\{[^}]+\}`)

// resolve fills the placeholders of spec with test values.
func resolve(t *testing.T, spec json.RawMessage) json.RawMessage {
	t.Helper()
	vars := map[string]string{
		compile.PlaceholderPartition: "aws", compile.PlaceholderRegion: kumotest.Region, compile.PlaceholderAccount: "000000000000",
	}
	for _, p := range placeholder.FindAllString(string(spec), -1) {
		if _, ok := vars[p]; !ok {
			vars[p] = "arn:aws:iam::000000000000:role/" + strings.Trim(p, "${}")
		}
	}
	out, err := reconcile.Resolve(spec, vars)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestKumoCreateObserve creates the compiled compute environments and
// queues in kumo and reads them back: owned, VALID, and equal to the
// desired spec (the drift check and Update see no change); a second
// Create is a no-op.
func TestKumoCreateObserve(t *testing.T) {
	srv := kumotest.Start(t)
	b := batch.New(awsbatch.NewFromConfig(srv.Config), batch.Options{})
	n := 0
	for _, tg := range compiled(t) {
		if tg.Type == sluice.TypeJobDefinition {
			continue
		}
		n++
		o, err := b.Create(t.Context(), tg)
		if err != nil {
			t.Fatalf("Create %s: %v", tg.ID, err)
		}
		tg.ARN = o.ARN
		o, err = b.Observe(t.Context(), tg)
		if err != nil || !o.Exists || o.Status != "VALID" || !o.Owned("churn", "dev", tg.ID) {
			t.Fatalf("Observe %s = %+v, %v", tg.ID, o, err)
		}
		if !reconcile.SameJSON(o.Spec, tg.Spec) {
			t.Errorf("%s observed %s, desired %s", tg.ID, o.Spec, tg.Spec)
		}
		if again, err := b.Create(t.Context(), tg); err != nil || again.ARN != o.ARN {
			t.Fatalf("second Create %s = %+v, %v", tg.ID, again, err)
		}
		if _, err := b.Update(t.Context(), tg, o); err != nil {
			t.Fatalf("Update %s with nothing to change: %v", tg.ID, err)
		}
	}
	if n == 0 {
		t.Fatal("the template compiled to no compute environment or queue")
	}
}

// TestKumoRegisterJobDefinitions registers the compiled job definitions
// as the backend decodes them, twice, and checks kumo counts revisions.
func TestKumoRegisterJobDefinitions(t *testing.T) {
	srv := kumotest.Start(t)
	c := awsbatch.NewFromConfig(srv.Config)
	n := 0
	for _, tg := range compiled(t) {
		if tg.Type != sluice.TypeJobDefinition {
			continue
		}
		n++
		for rev := int32(1); rev <= 2; rev++ {
			var in awsbatch.RegisterJobDefinitionInput
			if err := json.Unmarshal(tg.Spec, &in); err != nil {
				t.Fatalf("%s: %v", tg.ID, err)
			}
			in.Tags = tg.Tags
			out, err := c.RegisterJobDefinition(t.Context(), &in)
			if err != nil || aws.ToInt32(out.Revision) != rev || aws.ToString(out.JobDefinitionName) != tg.Name {
				t.Fatalf("register %s: %+v, %v; want revision %d", tg.ID, out, err, rev)
			}
		}
	}
	if n == 0 {
		t.Fatal("the template compiled to no job definition")
	}
}
