package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/graph"
)

// runReader is what the run pages read: one run with its steps. The
// run store answers it when the daemon has one (storedRuns), else the
// runs the daemon started and keeps in memory. The log pages read the
// steps' logs as the API does (page_logs.go).
type runReader interface {
	// Run returns a run of pipeline in env, secrets masked; an error
	// wrapping ErrNotFound when there is none.
	Run(ctx context.Context, env, pipeline, name string) (Run, error)
}

// maxLogShown is how much of the end of a step's log a page shows.
const maxLogShown = 256 << 10

// memoryRuns reads the runs the daemon started (daemon/runs.go).
type memoryRuns struct{ d *Daemon }

func (m memoryRuns) Run(ctx context.Context, env, pipeline, name string) (Run, error) {
	return m.d.DescribeRun(ctx, env, pipeline, name)
}

// runs is where the pages read runs from.
func (d *Daemon) runs() runReader {
	if d.opts.Runs == nil {
		return memoryRuns{d}
	}
	return storedRuns{d: d, mem: memoryRuns{d}}
}

// runView is the run page's content.
type runView struct {
	Env      envView
	Pipeline string
	Run      Run
	// Graph is the step graph coloured by status, Timeline the Gantt
	// chart of the steps' attempts.
	Graph, Timeline string
	Problem         string
	Steps           []stepView
	Parameters      string
	Output          string
	Failed          *stepView
	// Stop and Resume say which actions the run offers (to the API
	// token's holder); Ref is how their forms name the run.
	Stop, Resume bool
	Ref          string
}

// stepView is one attempt of a step as the run page lists it.
type stepView struct {
	Index int
	sluice.StepRun
	Label string
	Log   string
	// Origin names the run the attempt was reused from, OriginLink its
	// page; "" for an attempt that ran.
	Origin, OriginLink string
}

func (d *Daemon) runPage(w http.ResponseWriter, r *http.Request) {
	v, err := d.runView(r.Context(), r.PathValue("env"), r.PathValue("pipeline"), r.PathValue("name"))
	if err != nil {
		d.pageError(w, r, err)
		return
	}
	live := ""
	if !v.Run.Done() {
		live = r.URL.Path + "/events"
	}
	d.render(w, r, http.StatusOK, "run", pageData{Title: "Run " + v.Run.Name, Live: live, Body: v})
}

func (d *Daemon) runView(ctx context.Context, env, pipeline, name string) (runView, error) {
	run, err := d.readRun(ctx, env, pipeline, name)
	if err != nil {
		return runView{}, err
	}
	v := runView{Pipeline: pipeline, Run: run}
	base := "/ui/env/" + url.PathEscape(env) + "/pipelines/" + url.PathEscape(pipeline) + "/runs/" + url.PathEscape(name) + "/steps/"
	pv, err := d.pipelineView(env, pipeline, graph.SVGOptions{Status: stepStatuses(run), Href: stepLogs(run, base)})
	if err == nil {
		v.Graph, v.Problem = pv.SVG, pv.Problem
	}
	if s, err := d.Status(env); err == nil {
		v.Env = d.envView(s)
	}
	origin := func(id string) string {
		return "/ui/env/" + url.PathEscape(env) + "/pipelines/" + url.PathEscape(pipeline) + "/runs/" + url.PathEscape(nameOf(id))
	}
	for i, s := range run.Steps {
		sv := stepView{Index: i, StepRun: s, Label: stepLabel(s), Log: base + strconv.Itoa(i) + "/log"}
		if s.OriginRun != "" {
			sv.Origin, sv.OriginLink = nameOf(s.OriginRun), origin(s.OriginRun)
		}
		v.Steps = append(v.Steps, sv)
		if isFailed(s.Status) && v.Failed == nil {
			v.Failed = &v.Steps[len(v.Steps)-1]
		}
	}
	v.Timeline = gantt(run, d.opts.Clock(), origin)
	v.Parameters, v.Output = runParameters(run.Input), prettyJSON(run.Output)
	v.Stop, v.Resume, v.Ref = d.runActions(ctx, env, run)
	return v, nil
}

// stepStatuses is each step's status in run: failed if any copy or
// attempt of it is still failed at the end, running if one runs,
// succeeded otherwise. A step that failed and then succeeded on a retry
// counts as succeeded.
func stepStatuses(run Run) map[string]string {
	out := map[string]string{}
	last := map[string]string{} // by path: the status of its latest attempt
	order := []string{}
	for _, s := range run.Steps {
		key := s.State + "\x00" + s.Path
		if _, ok := last[key]; !ok {
			order = append(order, key)
		}
		last[key] = s.Status
	}
	rank := map[string]int{"SUCCEEDED": 1, "RUNNING": 2, "FAILED": 3, "TIMED_OUT": 3, "ABORTED": 3}
	for _, key := range order {
		state, _, _ := strings.Cut(key, "\x00")
		if rank[last[key]] >= rank[out[state]] {
			out[state] = last[key]
		}
	}
	return out
}

// stepLogs links each step of the graph to the log of its first
// failed attempt, else its latest.
func stepLogs(run Run, base string) func(string) string {
	pick := map[string]int{}
	for i, s := range run.Steps {
		if j, ok := pick[s.State]; !ok || !isFailed(run.Steps[j].Status) {
			pick[s.State] = i
		}
	}
	return func(step string) string {
		if i, ok := pick[step]; ok {
			return base + strconv.Itoa(i) + "/log"
		}
		return ""
	}
}

// stepLabel names an attempt: its path (foreach copies differ by
// index) and, after the first, its attempt number.
func stepLabel(s sluice.StepRun) string {
	label := s.State
	if s.Path != "" && s.Path != s.State {
		label = s.Path
	}
	if s.Attempt > 1 {
		label += " (attempt " + strconv.Itoa(s.Attempt) + ")"
	}
	return label
}

// runParameters returns the parameters of a run's input, indented.
func runParameters(input json.RawMessage) string {
	var in struct {
		Parameters json.RawMessage `json:"parameters"`
	}
	if json.Unmarshal(input, &in) != nil || len(in.Parameters) == 0 {
		return prettyJSON(input)
	}
	return prettyJSON(in.Parameters)
}

// runEvents streams "change" events while a run goes on: a "ready"
// event first says the status the changes are counted from, a "change"
// each time its status or steps moved, an "end" when it ended. The run
// is read by the reader every follower of it shares (runFeeds), not once
// per stream. It counts among the event streams the broker bounds.
func (d *Daemon) runEvents(w http.ResponseWriter, r *http.Request) {
	env, pipeline, name := r.PathValue("env"), r.PathValue("pipeline"), r.PathValue("name")
	_, cancel, ok := d.broker.subscribe()
	if !ok {
		d.writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "too many event streams open"})
		return
	}
	defer cancel()
	state, leave := d.feeds.follow(runKey{env, pipeline, name}, func(ctx context.Context) (Run, error) {
		return d.runs().Run(ctx, env, pipeline, name)
	})
	defer leave()
	stream(w, func(send func(string, any) error) error {
		var sent uint64
		for {
			s := state()
			if s.Read {
				if s.Err != nil {
					return s.Err
				}
				if sent == 0 {
					if err := send("ready", event{Seq: s.Seq, Environment: env, Kind: "run", Status: s.Run.Status}); err != nil {
						return err
					}
				} else if s.Seq != sent {
					if err := send("change", event{Seq: s.Seq, Environment: env, Kind: "run"}); err != nil {
						return err
					}
				}
				sent = s.Seq
				if s.Run.Done() {
					return send("end", event{Seq: s.Seq, Environment: env, Kind: "run", Status: s.Run.Status})
				}
			}
			select {
			case <-r.Context().Done():
				return nil
			case <-d.workContext().Done():
				return nil
			case <-s.Wake:
			}
		}
	})
}

// readRun reads a run for a page: what the shared reader of its event
// streams read last while one runs, else from the run reader.
func (d *Daemon) readRun(ctx context.Context, env, pipeline, name string) (Run, error) {
	if run, ok := d.feeds.latest(runKey{env, pipeline, name}); ok {
		return run, nil
	}
	return d.runs().Run(ctx, env, pipeline, name)
}

// runDigest changes whenever the run's status or any step's moves.
func runDigest(run Run) string {
	b, _ := json.Marshal(struct {
		S string
		T []sluice.StepRun
	}{run.Status, run.Steps})
	return string(b)
}
