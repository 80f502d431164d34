package compile_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
)

// TestDeterministic compiles every case twice, and once more with the
// documents shuffled: the output must be byte-identical.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, path := range cases(t) {
		r := readRepo(t, path)
		for _, env := range r.envs {
			first := render(t, mustCompile(t, r, env))
			if again := render(t, mustCompile(t, r, env)); !bytes.Equal(first, again) {
				t.Errorf("%s/%s: two compilations differ", path, env)
			}
			shuffled := r
			shuffled.docs = append(shuffled.docs[:0:0], r.docs...)
			rng.Shuffle(len(shuffled.docs), func(i, j int) { shuffled.docs[i], shuffled.docs[j] = shuffled.docs[j], shuffled.docs[i] })
			if again := render(t, mustCompile(t, shuffled, env)); !bytes.Equal(first, again) {
				t.Errorf("%s/%s: the order of the documents changes the output", path, env)
			}
		}
	}
}

// TestRevisionMasked checks that a new revision reaches the steps but
// changes no hash and no tag, and that a real change does change them.
func TestRevisionMasked(t *testing.T) {
	r := readRepo(t, "testdata/kinds.yaml")
	a, _ := r.compile("dev", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	b, _ := r.compile("dev", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("got %d and %d resources", len(a), len(b))
	}
	for i := range a {
		if a[i].Hash != b[i].Hash || a[i].Tags[sluice.TagSpecHash] != b[i].Tags[sluice.TagSpecHash] {
			t.Errorf("%s: the revision changes the hash", a[i].ID)
		}
	}
	sm := resource(t, b, "StateMachine/train")
	if !bytes.Contains(sm.Spec, []byte(`"Value":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"`)) || bytes.Contains(sm.Spec, []byte("@@sluice")) {
		t.Errorf("the state machine does not carry the revision in SLUICE_REVISION")
	}
	changed := readRepo(t, "testdata/kinds.yaml")
	for _, d := range changed.docs {
		if d.Kind == "Pipeline" {
			d.Value()["spec"].(map[string]any)["env"].(map[string]any)["LOG_LEVEL"] = "debug"
		}
	}
	c, _ := changed.compile("dev", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	if resource(t, c, "JobDefinition/train.prepare").Hash == resource(t, a, "JobDefinition/train.prepare").Hash {
		t.Errorf("changing the pipeline's env does not change its job definition's hash")
	}
	if resource(t, c, "Bucket/artifacts").Hash != resource(t, a, "Bucket/artifacts").Hash {
		t.Errorf("changing a pipeline changes the hash of a bucket")
	}
}

// TestCanonicalSpecs checks every spec is compact JSON with sorted keys:
// decoding and re-encoding it (without HTML escaping) gives it back.
func TestCanonicalSpecs(t *testing.T) {
	for _, path := range cases(t) {
		r := readRepo(t, path)
		for _, env := range r.envs {
			for _, res := range mustCompile(t, r, env) {
				dec := json.NewDecoder(bytes.NewReader(res.Spec))
				dec.UseNumber()
				var v any
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("%s: %v", res.ID, err)
				}
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(v); err != nil {
					t.Fatal(err)
				}
				if got := strings.TrimSuffix(buf.String(), "\n"); got != string(res.Spec) {
					t.Errorf("%s: spec is not canonical:\n%s\nre-encoded:\n%s", res.ID, res.Spec, got)
				}
			}
		}
	}
}

// TestResources checks what every resource must have, whatever its kind.
func TestResources(t *testing.T) {
	for _, path := range cases(t) {
		r := readRepo(t, path)
		for _, env := range r.envs {
			res := mustCompile(t, r, env)
			ids := map[sluice.ResourceID]bool{}
			for i, x := range res {
				if i > 0 && res[i-1].ID >= x.ID {
					t.Errorf("%s: resources not sorted by ID at %s", path, x.ID)
				}
				ids[x.ID] = true
				if !strings.HasPrefix(string(x.ID), string(x.Type)+"/") || x.Name == "" || x.Source == "" || len(x.Hash) != 64 {
					t.Errorf("%s: incomplete resource %+v", path, x)
				}
				for k, want := range map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "churn",
					sluice.TagEnvironment: env, sluice.TagResource: string(x.ID), sluice.TagSpecHash: x.Hash} {
					if x.Tags[k] != want {
						t.Errorf("%s: tag %s = %q, want %q", x.ID, k, x.Tags[k], want)
					}
				}
			}
			for _, x := range res {
				for _, dep := range x.DependsOn {
					if !ids[dep] {
						t.Errorf("%s: %s depends on %s, which is not desired", path, x.ID, dep)
					}
				}
			}
		}
	}
}

// TestParallelMatchesSequential compiles a repository large enough to be
// spread over workers, then on one core: the outputs must be identical.
func TestParallelMatchesSequential(t *testing.T) {
	r := benchRepo(t, 80)
	prev := runtime.GOMAXPROCS(4)
	parallel := render(t, mustCompile(t, r, "prod"))
	runtime.GOMAXPROCS(1)
	sequential := render(t, mustCompile(t, r, "prod"))
	runtime.GOMAXPROCS(prev)
	if !bytes.Equal(parallel, sequential) {
		t.Errorf("compiling on several cores gives another output than on one")
	}
}
