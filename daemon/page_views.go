package daemon

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
	"github.com/sluice-dev/sluice/statestore"
)

// envView is one environment as its card on the environments page
// shows it.
type envView struct {
	Status
	// AppliedLink and HeadLink are the revisions' commit pages on a
	// known forge, or "".
	AppliedLink, HeadLink string
	// LastReconcile is the last attempt's time (or the last success's).
	LastReconcile time.Time
	HeldList      []heldView
	// Now is when the page is drawn, for "3 min ago".
	Now time.Time
	// PipelinePage is the page of pipelines the environments page lists,
	// InlinePlan whether it shows the waiting plan in full.
	PipelinePage pipelinePage
	InlinePlan   bool
}

// heldView is one thing held at its last applied state, with the
// finding that holds it.
type heldView struct{ What, Finding string }

// envViews returns every environment as the pages show it.
func (d *Daemon) envViews() []envView {
	statuses := d.Statuses()
	out := make([]envView, 0, len(statuses))
	for _, s := range statuses {
		out = append(out, d.envView(s))
	}
	return out
}

func (d *Daemon) envView(s Status) envView {
	url := d.repoURL(s.Repository)
	v := envView{Status: s, AppliedLink: commitLink(url, s.Applied), HeadLink: commitLink(url, s.Head),
		LastReconcile: s.LastAttempt, Now: d.opts.Clock()}
	if v.LastReconcile.IsZero() {
		v.LastReconcile = s.LastSuccess
	}
	for what, why := range s.Held {
		v.HeldList = append(v.HeldList, heldView{What: what, Finding: why})
	}
	sort.Slice(v.HeldList, func(i, j int) bool { return v.HeldList[i].What < v.HeldList[j].What })
	return v
}

// repoURL returns the URL of the configured repository called name.
func (d *Daemon) repoURL(name string) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if r := d.repos[name]; r != nil {
		return r.cfg.URL
	}
	return ""
}

func (d *Daemon) environmentsPage(w http.ResponseWriter, r *http.Request) {
	views := d.envViews()
	for i := range views {
		v := &views[i]
		v.Runs = d.pageRuns(r.Context(), v.Environment, "", v.Runs)
		v.PipelinePage = pagePipelines(v.Environment, v.Pipelines, r.URL.Query())
		v.InlinePlan = v.Pending != nil && len(v.Pending.Plan.Changes) <= inlinePlanMax
	}
	d.render(w, r, http.StatusOK, "environments", pageData{Title: "Environments", Nav: "environments",
		Live: "/api/v1/events", Body: views})
}

// pipelineView is the pipeline page's content.
type pipelineView struct {
	Env      envView
	Pipeline Pipeline
	// SVG is the step graph drawn by the server; "" when the pipeline
	// is held or cannot be drawn (Problem says why).
	SVG        string
	Problem    string
	Schedule   *dsl.Schedule
	Parameters []paramView
	Runs       []RunSummary
	// Form is the start-run form, offered to the API token's holder.
	Form *runForm
}

// paramView is one parameter of a pipeline.
type paramView struct {
	Name string
	dsl.Parameter
	// DefaultText is the default as JSON, "" for none.
	DefaultText string
}

func (d *Daemon) pipelinePage(w http.ResponseWriter, r *http.Request) {
	v, err := d.pipelineView(r.PathValue("env"), r.PathValue("pipeline"), graph.SVGOptions{})
	if err != nil {
		d.pageError(w, r, err)
		return
	}
	v.Runs = d.pageRuns(r.Context(), v.Env.Environment, v.Pipeline.Name, v.Runs)
	v.Form = newRunForm(v.Parameters, nil)
	d.render(w, r, http.StatusOK, "pipeline", pageData{Title: v.Pipeline.Name + " in " + v.Env.Environment,
		Live: "/api/v1/events", Body: v})
}

// pipelineSVG serves the pipeline's step graph as an SVG file.
func (d *Daemon) pipelineSVG(w http.ResponseWriter, r *http.Request) {
	v, err := d.pipelineView(r.PathValue("env"), r.PathValue("pipeline"), graph.SVGOptions{})
	if err == nil && v.SVG == "" {
		err = fmt.Errorf("%w: %s", ErrNotFound, v.Problem)
	}
	if err != nil {
		d.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", contentPolicy)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(d.redact.Bytes([]byte(v.SVG)))
}

// pipelineView reads pipeline in env as last loaded: its graph (steps
// drawn with opts), schedule, parameters and recent runs.
func (d *Daemon) pipelineView(env, name string, opts graph.SVGOptions) (pipelineView, error) {
	w, err := d.env(env)
	if err != nil {
		return pipelineView{}, err
	}
	s := w.snapshot()
	v := pipelineView{Env: d.envView(s)}
	found := false
	for _, p := range s.Pipelines {
		if p.Name == name {
			v.Pipeline, found = p, true
		}
	}
	if !found {
		return v, fmt.Errorf("%w: no pipeline %q in %s", ErrNotFound, name, env)
	}
	for _, run := range s.Runs {
		if run.Pipeline == name {
			v.Runs = append(v.Runs, run)
		}
	}
	if v.Pipeline.Held {
		v.Problem = "held at its last applied state: " + v.Pipeline.Finding
		return v, nil
	}
	doc := w.pipelineDocument(name)
	if doc == nil {
		v.Problem = "not in the revision last loaded"
		return v, nil
	}
	spec, err := doc.PipelineSpec(env)
	if err != nil {
		v.Problem = err.Error()
		return v, nil
	}
	v.Schedule = spec.Schedule
	v.Parameters = params(spec.Parameters)
	g, ds := graph.Build(spec, nil)
	if ds.HasErrors() {
		v.Problem = "its steps do not form a valid graph"
		return v, nil
	}
	g.Name = name
	v.SVG = graph.SVGWith(g, opts)
	return v, nil
}

// pipelineDocument returns the document of the pipeline called name in
// the revision last loaded, or nil.
func (w *envWorker) pipelineDocument(name string) *dsl.Document {
	w.mu.Lock()
	desired := w.desired
	w.mu.Unlock()
	if desired == nil || desired.Snapshot == nil {
		return nil
	}
	for _, doc := range desired.Snapshot.Documents {
		if doc.Kind == dsl.KindPipeline && doc.Name == name {
			return doc
		}
	}
	return nil
}

func params(ps map[string]dsl.Parameter) []paramView {
	out := make([]paramView, 0, len(ps))
	for name, p := range ps {
		v := paramView{Name: name, Parameter: p}
		if p.Default != nil {
			v.DefaultText = compactJSON(p.Default)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// historyView is the history page's content.
type historyView struct {
	Env     envView
	Entries []historyEntry
	// Rollback is the entry a rollback would return to: the newest
	// applied revision other than the one applied now; nil for none.
	Rollback *historyEntry
}

// historyEntry is one applied revision with its link.
type historyEntry struct {
	statestore.Entry
	Link string
	// Current marks the revision applied now.
	Current bool
}

func (d *Daemon) historyPage(w http.ResponseWriter, r *http.Request) {
	env := r.PathValue("env")
	s, err := d.Status(env)
	if err != nil {
		d.pageError(w, r, err)
		return
	}
	entries, err := d.History(env)
	if err != nil {
		d.pageError(w, r, err)
		return
	}
	v := historyView{Env: d.envView(s)}
	url := d.repoURL(s.Repository)
	for _, e := range entries {
		v.Entries = append(v.Entries, historyEntry{Entry: e, Link: commitLink(url, e.Revision), Current: e.Revision == s.Applied})
	}
	for i := range v.Entries {
		e := &v.Entries[i]
		if e.Result == "succeeded" && e.Revision != s.Applied && v.Rollback == nil {
			v.Rollback = e
		}
	}
	d.render(w, r, http.StatusOK, "history", pageData{Title: "History of " + env, Live: "/api/v1/events", Body: v})
}

// planView is the plan page's content.
type planView struct {
	Env     envView
	Pending *PendingPlan
	Link    string
	// Paged is the plan's summary and the page of its changes asked for.
	Paged planPageView
}

func (d *Daemon) planPage(w http.ResponseWriter, r *http.Request) {
	env := r.PathValue("env")
	s, err := d.Status(env)
	if err != nil {
		d.pageError(w, r, err)
		return
	}
	v := planView{Env: d.envView(s), Pending: s.Pending}
	if s.Pending != nil {
		v.Link = commitLink(d.repoURL(s.Repository), s.Pending.Revision)
		v.Paged = pagePlan(s.Pending.Plan, r.URL.Path, r.URL.Query())
	}
	d.render(w, r, http.StatusOK, "plan", pageData{Title: "Plan for " + env, Live: "/api/v1/events", Body: v})
}

// isFailed reports whether a run or step status is a failure.
func isFailed(status string) bool {
	return status == sluice.ExecutionFailed || status == sluice.ExecutionTimedOut || status == sluice.ExecutionAborted
}
