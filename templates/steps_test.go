package templates_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/templates"
)

// runner plays a pipeline's graph the way the compiled state machine does,
// running each step's command as a process with the SLUICE_* environment
// the compiler sets: its own output prefix (a directory per step, with the
// foreach indexes in it), its parents' prefixes as a JSON list, the
// parameters and the foreach item as JSON.
type runner struct {
	tb        testing.TB
	repo      string
	artifacts string
	pipeline  string
	steps     map[string]dsl.Step
	spec      dsl.PipelineSpec
	params    map[string]any
	// env is added to every step's environment (AWS settings for S3).
	env []string
	ran []string
}

func newRunner(tb testing.TB, template string, params map[string]any) *runner {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Skip("python3 is not installed: cannot run the step programs")
	}
	repo := filepath.Join(tb.TempDir(), "repo")
	if err := templates.Scaffold(template, repo, "demo"); err != nil {
		tb.Fatal(err)
	}
	doc := mustPipeline(tb, repo)
	r := &runner{tb: tb, repo: repo, artifacts: filepath.Join(tb.TempDir(), "artifacts"),
		pipeline: doc.Name, steps: map[string]dsl.Step{}, params: map[string]any{}}
	if err := dsl.Decode(doc.Merged("dev")["spec"], &r.spec); err != nil {
		tb.Fatal(err)
	}
	for _, s := range r.spec.Steps {
		r.steps[s.Name] = s
	}
	for name, p := range r.spec.Parameters {
		r.params[name] = p.Default
	}
	for name, v := range params {
		r.params[name] = v
	}
	return r
}

// mustPipeline parses the scaffold's deploy/pipeline.yaml.
func mustPipeline(tb testing.TB, repo string) *dsl.Document {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(repo, "deploy", "pipeline.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	f, diags := dsl.ParseFile("deploy/pipeline.yaml", data, dsl.DefaultLimits())
	if len(diags) > 0 {
		tb.Fatal(diags)
	}
	return f.Documents[0]
}

// run plays the whole pipeline from its first step.
func (r *runner) run() error {
	_, err := r.from(r.spec.Steps[0].Name, nil, "", nil, nil)
	return err
}

// from runs steps from name until the pipeline ends or reaches stop (the
// join of the branch or body being run) and returns the prefixes of the
// last steps run, the parents of what comes next.
func (r *runner) from(name string, parents []string, stop string, index []int, item any) ([]string, error) {
	for name != "" && name != stop {
		step, ok := r.steps[name]
		if !ok {
			return nil, fmt.Errorf("no step %q", name)
		}
		out, err := r.exec(step, parents, index, item)
		if err != nil && step.OnFailure != "" {
			name = step.OnFailure
			continue
		}
		if err != nil {
			return nil, err
		}
		if parents, name, err = r.after(step, out, index, item); err != nil {
			return nil, err
		}
	}
	return parents, nil
}

// after runs what a step fans out to and returns the parents and name of
// the step that follows.
func (r *runner) after(step dsl.Step, out string, index []int, item any) ([]string, string, error) {
	parents := []string{out}
	switch {
	case step.Split != nil:
		var ends []string
		for _, b := range step.Split.Branches {
			e, err := r.from(b, parents, step.Split.Join, index, item)
			if err != nil {
				return nil, "", err
			}
			ends = append(ends, e...)
		}
		return ends, step.Split.Join, nil
	case step.Foreach != nil:
		ends, err := r.foreach(step.Foreach, out, parents, index)
		return ends, step.Foreach.Join, err
	case step.Switch != nil:
		v, err := r.output(out, strings.TrimPrefix(step.Switch.On, "outputs."))
		if next, ok := step.Switch.Cases[fmt.Sprint(v)]; ok || err != nil {
			return parents, next, err
		}
		return parents, step.Switch.Default, nil
	}
	return parents, step.Next, nil
}

func (r *runner) foreach(f *dsl.Foreach, out string, parents []string, index []int) ([]string, error) {
	var items any
	var err error
	if key, ok := strings.CutPrefix(f.Over, "outputs."); ok {
		items, err = r.output(out, key)
	} else {
		items = r.params[strings.TrimPrefix(f.Over, "parameters.")]
	}
	list, ok := items.([]any)
	if err != nil || !ok || len(list) == 0 {
		return nil, fmt.Errorf("foreach over %s: not a non-empty list: %v (%w)", f.Over, items, err)
	}
	var ends []string
	for i, it := range list {
		e, err := r.from(f.Step, parents, f.Join, append(index[:len(index):len(index)], i), it)
		if err != nil {
			return nil, err
		}
		ends = append(ends, e...)
	}
	return ends, nil
}

// output reads one key of the outputs.json a step wrote.
func (r *runner) output(prefix, key string) (any, error) {
	data, err := r.readFile(joinPrefix(prefix, "outputs.json"))
	if err != nil {
		return nil, err
	}
	var outputs map[string]any
	if err := json.Unmarshal(data, &outputs); err != nil {
		return nil, fmt.Errorf("%s/outputs.json: %w", prefix, err)
	}
	v, ok := outputs[key]
	if !ok {
		return nil, fmt.Errorf("%s/outputs.json has no %q", prefix, key)
	}
	return v, nil
}

func (r *runner) exec(step dsl.Step, parents []string, index []int, item any) (string, error) {
	out := joinPrefix(r.artifacts, step.Name)
	for _, i := range index {
		out = joinPrefix(out, strconv.Itoa(i))
	}
	r.ran = append(r.ran, step.Name)
	cmd := exec.Command(step.Command[0], step.Command[1:]...)
	cmd.Dir = r.repo
	cmd.Env = r.environ(step, out, parents, index, item)
	log, err := cmd.CombinedOutput()
	r.tb.Logf("%s %v:\n%s", step.Name, index, log)
	if err != nil {
		return out, fmt.Errorf("step %s: %w: %s", step.Name, err, log)
	}
	return out, nil
}

func (r *runner) environ(step dsl.Step, out string, parents []string, index []int, item any) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"PYTHONDONTWRITEBYTECODE=1",
		"SLUICE_RUN_ID=run-1",
		"SLUICE_PROJECT=demo",
		"SLUICE_PIPELINE=" + r.pipeline,
		"SLUICE_STEP=" + step.Name,
		"SLUICE_ENVIRONMENT=dev",
		"SLUICE_REVISION=0123456789abcdef0123456789abcdef01234567",
		"SLUICE_PARAMETERS=" + mustJSON(r.tb, r.params),
		"SLUICE_ARTIFACTS=" + r.artifacts,
		"SLUICE_OUTPUT=" + out,
		"SLUICE_PARENTS=" + mustJSON(r.tb, append([]string{}, parents...)),
	}
	if len(index) > 0 {
		env = append(env, "SLUICE_FOREACH_INDEX="+strconv.Itoa(index[len(index)-1]),
			"SLUICE_FOREACH_ITEM="+mustJSON(r.tb, item))
	}
	env = append(env, r.env...)
	for k, v := range r.spec.Env {
		env = append(env, k+"="+v)
	}
	for k, v := range step.Env {
		env = append(env, k+"="+v)
	}
	return env
}

// joinPrefix joins a directory or s3:// prefix and a name.
func joinPrefix(prefix, name string) string {
	if strings.HasPrefix(prefix, "s3://") {
		return strings.TrimSuffix(prefix, "/") + "/" + name
	}
	return filepath.Join(prefix, name)
}

// readFile reads a file a step wrote, from a directory or, through boto3
// as the steps themselves do, from S3.
func (r *runner) readFile(uri string) ([]byte, error) {
	if !strings.HasPrefix(uri, "s3://") {
		return os.ReadFile(uri)
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	cmd := exec.Command("python3", "-c", `import sys, boto3
sys.stdout.buffer.write(boto3.client("s3").get_object(Bucket=sys.argv[1], Key=sys.argv[2])["Body"].read())`, bucket, key)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, r.env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: %s", uri, err, stderr.String())
	}
	return data, nil
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// readJSON reads a JSON file the steps wrote under the artifacts.
func (r *runner) readJSON(rel string) map[string]any {
	r.tb.Helper()
	data, err := r.readFile(joinPrefix(r.artifacts, rel))
	if err != nil {
		r.tb.Fatalf("steps %v did not write %s: %v", r.ran, rel, err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		r.tb.Fatalf("%s: %v", rel, err)
	}
	return v
}
