package local

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
)

// A step reads the artifacts of other runs of its project and
// environment (sluice_step.artifact) without asking anything of the run
// store: before it starts, the World hands it SLUICE_RUNS, a JSON object
// naming, for every pipeline deployed in the step's project and
// environment, where its runs' artifacts are and its latest run that
// succeeded:
//
//	{"training": {"artifacts": "s3://churn-dev-artifacts/training", "latest": "run-20261207-101500-a1b2c3"}}
//
// The s3:// addresses reach the step rewritten to the buckets' local
// directories, which its sandbox already lets it read (they are its
// environment's buckets). Nothing else about other runs, and nothing of
// the daemon's, reaches the step.

// peerPipeline is a pipeline of a step's project and environment.
type peerPipeline struct {
	name, machine, artifacts string
}

// PipelineRuns is what SLUICE_RUNS says of one pipeline.
type PipelineRuns struct {
	// Artifacts is the prefix under which each run has its own,
	// s3://BUCKET/PIPELINE (its runs are s3://BUCKET/PIPELINE/RUN).
	Artifacts string `json:"artifacts"`
	// Latest is the name of its run that succeeded last; empty when none
	// has.
	Latest string `json:"latest,omitempty"`
}

// runsPrefix finds a compiled definition's run prefix in the intrinsic
// that builds it: States.Format('s3://BUCKET/PIPELINE/{}', ...).
var runsPrefix = regexp.MustCompile(`States\.Format\('(s3://[a-z0-9.-]+/[^'{}]*)/\{\}'`)

// peers returns the pipelines deployed with the same project and
// environment tags as the job definition name. w.mu must be held.
func (w *World) peers(jobDef string) ([]peerPipeline, error) {
	def, err := w.read(sluice.TypeJobDefinition, jobDef)
	if err != nil || def == nil {
		return nil, err
	}
	recs, err := w.list(sluice.TypeStateMachine)
	if err != nil {
		return nil, err
	}
	var out []peerPipeline
	for _, r := range recs {
		if r.Tags[sluice.TagProject] != def.Tags[sluice.TagProject] || r.Tags[sluice.TagEnvironment] != def.Tags[sluice.TagEnvironment] {
			continue
		}
		var s smSpec
		_ = json.Unmarshal(r.Spec, &s)
		d, err := Definition(s.Definition)
		if err != nil {
			continue
		}
		m := runsPrefix.FindSubmatch(d)
		_, pipeline, ok := strings.Cut(r.Tags[sluice.TagResource], "/")
		if m == nil || !ok {
			continue
		}
		out = append(out, peerPipeline{name: pipeline, machine: r.Name, artifacts: string(m[1])})
	}
	return out, nil
}

// runsEnv is the SLUICE_RUNS variable for peers.
func (w *World) runsEnv(peers []peerPipeline) string {
	index := map[string]PipelineRuns{}
	for _, p := range peers {
		index[p.name] = PipelineRuns{Artifacts: p.artifacts, Latest: w.latestSucceeded(p.machine)}
	}
	b, _ := json.Marshal(index)
	return "SLUICE_RUNS=" + string(b)
}

// latestSucceeded is the name of the execution of state machine sm that
// succeeded last, "" when none did. Records are read newest first (by
// modification time: a record is written last when its run ends) until
// one that succeeded.
func (w *World) latestSucceeded(sm string) string {
	dir := filepath.Join(w.dir, executionsDir, sm)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	type file struct {
		name string
		mod  time.Time
	}
	files := make([]file, 0, len(entries))
	for _, e := range entries {
		if info, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".json") {
			files = append(files, file{e.Name(), info.ModTime()})
		}
	}
	slices.SortFunc(files, func(a, b file) int { return b.mod.Compare(a.mod) })
	var best sluice.Execution
	for _, f := range files {
		var e sluice.Execution
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil || json.Unmarshal(b, &e) != nil || e.Status != sluice.ExecutionSucceeded {
			continue
		}
		if e.Stopped.After(best.Stopped) {
			best = e
		}
		if f.mod.Before(best.Stopped) {
			break // every older record ended before the best one
		}
	}
	return best.Name
}
