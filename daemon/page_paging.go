package daemon

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/reconcile/planview"
)

// The two pages that grow with the number of pipelines (the
// environments page and the plan page) show a summary and one page of
// the long lists: what a reviewer must read in full (deletions and
// replacements, held pipelines) is always listed whole, the rest
// (creations, updates, deployable pipelines) perPage at a time, with
// ?page=N links and a filter.

// perPage is how many creations, updates or pipelines a page lists.
const perPage = 50

// inlinePlanMax is the largest plan the environments page shows in full
// under its card; a larger one is summarised and linked to the plan
// page.
const inlinePlanMax = 25

// pager is one page of a list: which page, how many, and the links to
// the others (the page's query with page=N, other parameters kept).
type pager struct {
	Page, Pages, Total int
	// First and Last are the 1-based positions of the items shown.
	First, Last int
	path, param string
	query       url.Values
	fragment    string
}

// newPager returns the page of total items that query's page parameter
// asks for (named param), clamped to the pages there are, and the
// bounds of its items.
func newPager(path string, query url.Values, param string, total int, fragment string) (pager, int, int) {
	p := pager{Total: total, Pages: max(1, (total+perPage-1)/perPage), path: path, param: param, fragment: fragment}
	p.Page, _ = strconv.Atoi(query.Get(param))
	p.Page = min(max(p.Page, 1), p.Pages)
	lo, hi := (p.Page-1)*perPage, min(p.Page*perPage, total)
	p.First, p.Last = lo+1, hi
	if total == 0 {
		p.First = 0
	}
	p.query = url.Values{}
	for k, v := range query {
		if k != param {
			p.query[k] = v
		}
	}
	return p, lo, hi
}

// Link returns the address of page n.
func (p pager) Link(n int) string {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	if n > 1 {
		q.Set(p.param, strconv.Itoa(n))
	}
	s := p.path
	if e := q.Encode(); e != "" {
		s += "?" + e
	}
	if p.fragment != "" {
		s += "#" + p.fragment
	}
	return s
}

// Prev and Next are the neighbouring pages, 0 for none.
func (p pager) Prev() int {
	if p.Page > 1 {
		return p.Page - 1
	}
	return 0
}

// Next is the following page, 0 for none.
func (p pager) Next() int {
	if p.Page < p.Pages {
		return p.Page + 1
	}
	return 0
}

// planCount is one row of a plan's counts: a resource type and how
// many of its resources each action touches.
type planCount struct {
	Type   string
	ByAct  []int
	Total  int
	Filter string
}

// planActions are the columns of the counts table, in reading order.
func planActions() []reconcile.Action {
	return []reconcile.Action{reconcile.ActionDelete, reconcile.ActionReplace, reconcile.ActionUpdate,
		reconcile.ActionCreate, reconcile.ActionRetain, reconcile.ActionHold, reconcile.ActionRefuse}
}

// planSection is one section of a paged plan: its title, how many of its
// changes pass the filter, and those on the page shown.
type planSection struct {
	Title   string
	Total   int
	Changes []reconcile.Change
}

// planPageView is the summary and the one page of a plan the plan page
// shows.
type planPageView struct {
	Summary string
	Actions []reconcile.Action
	Counts  []planCount
	// Always are the deletions and replacements, listed whole.
	Always []reconcile.Change
	// Sections are the other changes on this page, by section.
	Sections []planSection
	// Type and Query are the filter: a resource type, and text the
	// resource's ID contains (a pipeline's name).
	Type, Query string
	Types       []string
	Matched     int
	Pager       pager
}

// resourceType is the type part of a resource ID ("JobDefinition" of
// "JobDefinition/train").
func resourceType(id sluice.ResourceID) string {
	t, _, _ := strings.Cut(string(id), "/")
	return t
}

// pagePlan summarises plan and cuts the page query asks for out of its
// changes other than deletions and replacements, filtered by type and
// text.
func pagePlan(plan reconcile.Plan, path string, query url.Values) planPageView {
	v := planPageView{Summary: planview.Summary(plan), Actions: planActions(),
		Type: query.Get("type"), Query: strings.TrimSpace(query.Get("q"))}
	counts := map[string][]int{}
	for _, c := range plan.Changes {
		t := resourceType(c.ID)
		if counts[t] == nil {
			counts[t] = make([]int, len(v.Actions))
		}
		for i, a := range v.Actions {
			if c.Action == a {
				counts[t][i]++
			}
		}
	}
	for t, n := range counts {
		total := 0
		for _, k := range n {
			total += k
		}
		v.Counts = append(v.Counts, planCount{Type: t, ByAct: n, Total: total})
		v.Types = append(v.Types, t)
	}
	// Only the actions the plan has are columns, so that the table fits
	// a phone's width.
	var keep []int
	for i := range v.Actions {
		for _, c := range v.Counts {
			if c.ByAct[i] > 0 {
				keep = append(keep, i)
				break
			}
		}
	}
	actions := make([]reconcile.Action, 0, len(keep))
	for _, i := range keep {
		actions = append(actions, v.Actions[i])
	}
	for k, c := range v.Counts {
		by := make([]int, 0, len(keep))
		for _, i := range keep {
			by = append(by, c.ByAct[i])
		}
		v.Counts[k].ByAct = by
	}
	v.Actions = actions
	sort.Slice(v.Counts, func(i, j int) bool { return v.Counts[i].Type < v.Counts[j].Type })
	sort.Strings(v.Types)
	// Indexes, not copies: a plan of 19,000 creations is read once per
	// view and only the page shown is copied.
	titles := []string{"Deletions and replacements", "Updates", "Retained and held", "Creations"}
	matched := make([][]int, len(titles))
	for i, c := range plan.Changes {
		k := planview.SectionOf(c.Action)
		switch {
		case k == 0:
			v.Always = append(v.Always, c)
		case (v.Type == "" || resourceType(c.ID) == v.Type) && (v.Query == "" || strings.Contains(string(c.ID), v.Query)):
			matched[k] = append(matched[k], i)
			v.Matched++
		}
	}
	var lo, hi int
	v.Pager, lo, hi = newPager(path, query, "page", v.Matched, "changes")
	at := 0
	for k := 1; k < len(titles); k++ {
		from, to := max(lo-at, 0), min(hi-at, len(matched[k]))
		if from < to {
			s := planSection{Title: titles[k], Total: len(matched[k])}
			for _, i := range matched[k][from:to] {
				s.Changes = append(s.Changes, plan.Changes[i])
			}
			v.Sections = append(v.Sections, s)
		}
		at += len(matched[k])
	}
	return v
}

// pipelinePage is one page of an environment's pipelines on the
// environments page: the held ones always, then the deployable ones
// that match the filter, perPage at a time.
type pipelinePage struct {
	Held  []Pipeline
	Shown []Pipeline
	// Query filters by name; Matched counts the deployable pipelines it
	// matches.
	Query   string
	Matched int
	Pager   pager
}

// pagePipelines cuts the page of env's pipelines the query asks for:
// its parameters apply only when env=ENV names this environment.
func pagePipelines(env string, ps []Pipeline, query url.Values) pipelinePage {
	var v pipelinePage
	q := url.Values{"env": {env}}
	if query.Get("env") == env {
		v.Query = strings.TrimSpace(query.Get("q"))
		q.Set("page", query.Get("page"))
		if v.Query != "" {
			q.Set("q", v.Query)
		}
	}
	var deployable []Pipeline
	for _, p := range ps {
		switch {
		case p.Held:
			v.Held = append(v.Held, p)
		case v.Query == "" || strings.Contains(p.Name, v.Query):
			deployable = append(deployable, p)
		}
	}
	v.Matched = len(deployable)
	var lo, hi int
	v.Pager, lo, hi = newPager("/", q, "page", len(deployable), "pipelines-"+env)
	v.Shown = deployable[lo:hi]
	return v
}
