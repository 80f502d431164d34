package local

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
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

// runsIndex caches what SLUICE_RUNS is made of, so that a step's start
// reads no record: the deployed pipelines (dropped whenever a state
// machine's record is written or removed) and each one's latest
// successful run (read from its execution records once, then kept up to
// date as this World's executions succeed; one process owns a data
// directory).
type runsIndex struct {
	// machines are the deployed pipelines of every project and
	// environment; nil until read. Guarded by World.mu.
	machines []peerMachine

	mu sync.Mutex
	// latest is each state machine's latest successful run ("": none),
	// for those read.
	latest map[string]string
}

// peerMachine is a deployed pipeline with its project and environment.
type peerMachine struct {
	peerPipeline
	project, env string
}

// forgetMachines drops the cached pipelines when a record of typ
// changes. w.mu must be held.
func (w *World) forgetMachines(typ sluice.ResourceType) {
	if typ == sluice.TypeStateMachine {
		w.index.machines = nil
	}
}

// peers returns the pipelines deployed with the same project and
// environment tags as the job definition name. w.mu must be held.
func (w *World) peers(jobDef string) ([]peerPipeline, error) {
	def, err := w.read(sluice.TypeJobDefinition, jobDef)
	if err != nil || def == nil {
		return nil, err
	}
	if w.index.machines == nil {
		if w.index.machines, err = w.readMachines(); err != nil {
			return nil, err
		}
	}
	var out []peerPipeline
	for _, m := range w.index.machines {
		if m.project == def.Tags[sluice.TagProject] && m.env == def.Tags[sluice.TagEnvironment] {
			out = append(out, m.peerPipeline)
		}
	}
	return out, nil
}

// readMachines reads every state machine's record. w.mu must be held.
func (w *World) readMachines() ([]peerMachine, error) {
	recs, err := w.list(sluice.TypeStateMachine)
	if err != nil {
		return nil, err
	}
	out := []peerMachine{}
	for _, r := range recs {
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
		out = append(out, peerMachine{peerPipeline: peerPipeline{name: pipeline, machine: r.Name, artifacts: string(m[1])},
			project: r.Tags[sluice.TagProject], env: r.Tags[sluice.TagEnvironment]})
	}
	return out, nil
}

// latestRun is state machine sm's latest successful run, read from its
// execution records the first time it is asked for.
func (w *World) latestRun(sm string) string {
	w.index.mu.Lock()
	defer w.index.mu.Unlock()
	name, ok := w.index.latest[sm]
	if !ok {
		name = w.latestSucceeded(sm)
		if w.index.latest == nil {
			w.index.latest = map[string]string{}
		}
		w.index.latest[sm] = name
	}
	return name
}

// succeeded notes that run name of state machine sm succeeded: it is
// now sm's latest successful run.
func (w *World) succeeded(sm, name string) {
	w.index.mu.Lock()
	defer w.index.mu.Unlock()
	if _, ok := w.index.latest[sm]; ok {
		w.index.latest[sm] = name
	}
}

// runsEnv is the SLUICE_RUNS variable for peers.
func (w *World) runsEnv(peers []peerPipeline) string {
	index := map[string]PipelineRuns{}
	for _, p := range peers {
		index[p.name] = PipelineRuns{Artifacts: p.artifacts, Latest: w.latestRun(p.machine)}
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
