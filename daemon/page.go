package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/daemon/ui"
	"github.com/sluice-dev/sluice/reconcile/planview"
)

// contentPolicy forbids inline scripts and styles and every other
// origin: the pages load their own style sheet and script only.
const contentPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// pageData is what every page's template receives.
type pageData struct {
	Title string
	// Nav is the section of the navigation to mark current.
	Nav string
	// Live is the event stream the page follows, "" for none.
	Live     string
	SignedIn bool
	// Admin says the viewer holds the API token: the page offers its
	// actions, each form carrying FormToken.
	Admin     bool
	FormToken string
	// Flash is the result of the action that led here, shown once.
	Flash *flash
	// Path is the page's own path, where signing in returns to: the
	// request's, unless a form's answer says which page it is.
	Path string
	Now  time.Time
	Body any
}

// parsePages parses the web pages' templates.
func parsePages() (map[string]*template.Template, error) {
	return ui.Parse(template.FuncMap{
		"short": short,
		// seg escapes one path segment: an environment's key may be REPO/ENV.
		"seg":        url.PathEscape,
		"ago":        ago,
		"stateClass": stateClass,
		"runClass":   runClass,
		"duration":   duration,
		"symbol":     planview.Symbol,
		"value":      planview.FieldValue,
		"notes":      planview.Notes,
		"summary":    planview.Summary,
		"sections":   planview.Sections,
		"json":       prettyJSON,
		"lower":      strings.ToLower,
		"human":      human,
		"svg":        func(s string) template.HTML { return template.HTML(s) }, // drawn by graph and gantt, which escape text
		"deref":      func(b *bool) bool { return b != nil && *b },
		"link":       func(rev, link string) revLink { return revLink{rev, link} },
		"runsOf":     func(env string, runs []RunSummary) runsOf { return runsOf{env, runs} },
		"envActions": func(p pageData, e envView) envActionsOf { return envActionsOf{p, e} },
		"approval":   func(p pageData, env string, plan *PendingPlan) approvalOf { return approvalOf{p, env, plan} },
		"pagerOf":    func(p pager, label string) pagerOf { return pagerOf{p, label} },
	})
}

// routePages adds the web pages and their event streams to mux. Pages
// are open like the status API; the run page and logs need a read
// token (or anonymous read), given as a bearer token or by signing in.
func (d *Daemon) routePages(route func(string, tier, http.HandlerFunc)) error {
	static, err := ui.Static()
	if err != nil {
		return err
	}
	route("GET /ui/static/", tierOpen, http.StripPrefix("/ui/static/", static).ServeHTTP)
	route("GET /{$}", tierOpen, d.environmentsPage)
	route("GET /ui/env/{env}/pipelines/{pipeline}", tierOpen, d.pipelinePage)
	route("GET /ui/env/{env}/pipelines/{pipeline}/graph.svg", tierOpen, d.pipelineSVG)
	route("GET /ui/env/{env}/history", tierOpen, d.historyPage)
	route("GET /ui/env/{env}/plan", tierOpen, d.planPage)
	route("GET /ui/env/{env}/pipelines/{pipeline}/runs/{name}", tierOpen, d.readPage(d.runPage))
	route("GET /ui/env/{env}/pipelines/{pipeline}/runs/{name}/events", tierOpen, d.readPage(d.runEvents))
	route("GET /ui/env/{env}/pipelines/{pipeline}/runs/{name}/steps/{step}/log", tierOpen, d.readPage(d.logPage))
	route("GET /ui/env/{env}/pipelines/{pipeline}/runs/{name}/steps/{step}/log/events", tierOpen, d.readPage(d.logEvents))
	route("GET /ui/signin", tierOpen, d.signinPage)
	route("POST /ui/signin", tierOpen, d.signin)
	route("POST /ui/signout", tierOpen, d.signout)
	route("GET /api/v1/events", tierOpen, d.events)
	d.routeActions(route)
	return nil
}

// render writes page name with data, every secret value the daemon
// knows masked, under the content security policy.
func (d *Daemon) render(w http.ResponseWriter, r *http.Request, code int, name string, data pageData) {
	t := d.pages[name]
	data.Now = d.opts.Clock()
	data.SignedIn = d.signedIn(r)
	if data.Admin = d.isAdmin(r); data.Admin {
		data.FormToken = formToken(requestToken(r))
	}
	data.Flash = takeFlash(w, r)
	if data.Path == "" {
		data.Path = r.URL.Path
	}
	var b bytes.Buffer
	if t == nil || t.ExecuteTemplate(&b, "layout.html", data) != nil {
		http.Error(w, "cannot render the page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: under no-referrer a browser posts
	// forms with "Origin: null", which the forms' origin check refuses.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(d.redact.Bytes(b.Bytes()))
}

// pageError renders an error page: 404 for what does not exist, 400
// for an environment's short name that several repositories use, 500
// otherwise; for a run name that names several runs, the runs to choose
// from (300).
func (d *Daemon) pageError(w http.ResponseWriter, r *http.Request, err error) {
	if many := (*AmbiguousRun)(nil); errors.As(err, &many) {
		d.render(w, r, http.StatusMultipleChoices, "choose", pageData{Title: "Runs called " + many.Name,
			Body: chooseView{Env: r.PathValue("env"), Pipeline: r.PathValue("pipeline"), Runs: many}})
		return
	}
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrAmbiguous):
		code = http.StatusBadRequest
	}
	d.render(w, r, code, "error", pageData{Title: http.StatusText(code), Body: err.Error()})
}

// ago says how long before now t was: "12 s ago", "3 min ago".
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " s ago"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " h ago"
	}
	return strconv.Itoa(int(d.Hours()/24)) + " days ago"
}

// duration says how long from start to end (or now, for something
// still running): "4.2 s", "3 min 5 s".
func duration(start, end, now time.Time) string {
	if start.IsZero() {
		return ""
	}
	if end.IsZero() {
		end = now
	}
	d := end.Sub(start)
	switch {
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

// stateClass is the colour class of an environment's state: ok (green),
// bad (red), warn (amber), idle (grey).
func stateClass(state string) string {
	switch state {
	case StateSynced:
		return "ok"
	case StateFailed:
		return "bad"
	case StateWaitingApproval, StateHolding, StateOutOfSync, StateRolledBack, StateSuspended:
		return "warn"
	}
	return "idle"
}

// runClass is the colour class of a run's or step's status.
func runClass(status string) string {
	switch status {
	case "SUCCEEDED":
		return "ok"
	case "FAILED", "TIMED_OUT", "ABORTED":
		return "bad"
	case "RUNNING":
		return "run"
	}
	return "idle"
}

// prettyJSON indents a JSON value for a page, or returns it as it is.
func prettyJSON(v json.RawMessage) string {
	var b bytes.Buffer
	if len(v) == 0 {
		return ""
	}
	if json.Indent(&b, v, "", "  ") != nil {
		return string(v)
	}
	return b.String()
}

// compactJSON writes v as one line of JSON, or with %v when it is not
// JSON-able.
func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// chooseView lists the runs an ambiguous run name names, each linked
// by its id.
type chooseView struct {
	Env, Pipeline string
	Runs          *AmbiguousRun
}

// pagerOf is a list's page links with the name of their navigation.
type pagerOf struct {
	P     pager
	Label string
}

// revLink is a revision and its commit page ("" for none).
type revLink struct{ Rev, Link string }

// runsOf is a table of runs of one environment.
type runsOf struct {
	Env  string
	Runs []RunSummary
}

// envActionsOf is an environment's action forms on a page.
type envActionsOf struct {
	Page pageData
	Env  envView
}

// approvalOf is the form that approves plan in env on a page.
type approvalOf struct {
	Page pageData
	Env  string
	Plan *PendingPlan
}

// human says a state in words: "waiting for approval", "out of sync".
func human(state string) string {
	if state == StateWaitingApproval {
		return "waiting for approval"
	}
	return strings.ReplaceAll(state, "_", " ")
}
