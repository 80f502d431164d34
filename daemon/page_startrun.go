package daemon

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
	"github.com/sluice-dev/sluice/rollout"
)

// The pipeline page's start-run form: one field per declared parameter
// (its type, default and whether it is required), an optional run name
// and, for anything else, a JSON object. The values are checked by
// compile.CheckRun, as the API checks them; its messages are shown next
// to the field they concern and the form keeps what was typed.

// Form field names: a parameter's field is paramField+name.
const (
	paramField = "p."
	moreField  = "more"
	nameField  = "name"
)

// runForm is the start-run form as drawn: its fields, and the problems
// of the values last posted.
type runForm struct {
	Fields []runField
	// Name and More are the run name and the JSON object posted.
	Name, More string
	// Problems are those no field owns (sizes, an undeclared name with
	// no near miss, a run that could not start).
	Problems []string
	// Unknown says the deployed state machine was not compiled from the
	// revision loaded, so the declarations shown may not be the ones the
	// run is checked against.
	Unknown bool
}

// runField is one parameter's field.
type runField struct {
	paramView
	ID, Input, Value string
	// Kind is how it is drawn: text, number, boolean, json.
	Kind     string
	Problems []string
}

// DescribedBy lists the IDs of the field's description and problems.
func (fd runField) DescribedBy() string {
	var ids []string
	if fd.Description != "" {
		ids = append(ids, fd.ID+"-desc")
	}
	if len(fd.Problems) > 0 {
		ids = append(ids, fd.ID+"-err")
	}
	return strings.Join(ids, " ")
}

// newRunForm returns the form for the parameters ps, with values (by
// parameter name, as typed) when there are some.
func newRunForm(ps []paramView, values map[string]string) *runForm {
	f := &runForm{}
	for _, p := range ps {
		fd := runField{paramView: p, ID: "param-" + p.Name, Input: paramField + p.Name, Value: values[p.Name], Kind: "text"}
		switch p.Type {
		case dsl.ParamInteger, dsl.ParamNumber:
			fd.Kind = "number"
		case dsl.ParamBoolean:
			fd.Kind = "boolean"
		case dsl.ParamList, dsl.ParamObject:
			fd.Kind = "json"
		}
		f.Fields = append(f.Fields, fd)
	}
	return f
}

// formValue turns what a field holds into a parameter's value by its
// declared type: numbers, booleans and JSON decoded, a value that does
// not decode kept as the text typed, so that CheckRun says what it must
// be.
func formValue(typ, text string) any {
	switch typ {
	case dsl.ParamInteger, dsl.ParamNumber, dsl.ParamBoolean, dsl.ParamList, dsl.ParamObject:
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil && !dec.More() {
			return v
		}
	}
	return text
}

// startRunAction starts a run of the pipeline from its page's form and
// goes to the run's page; with bad values it draws the pipeline page
// again, each problem next to its field, and starts nothing.
func (d *Daemon) startRunAction(w http.ResponseWriter, r *http.Request) {
	if !d.formAllowed(w, r) {
		return
	}
	env, pipeline := r.PathValue("env"), r.PathValue("pipeline")
	v, err := d.pipelineView(env, pipeline, graph.SVGOptions{})
	if err != nil {
		d.pageError(w, r, err)
		return
	}
	values := map[string]string{}
	params := map[string]any{}
	types := map[string]string{}
	for _, p := range v.Parameters {
		types[p.Name] = p.Type
	}
	for key, vs := range r.PostForm {
		name, ok := strings.CutPrefix(key, paramField)
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue // empty: the default applies
		}
		values[name] = vs[0]
		params[name] = formValue(types[name], strings.TrimSpace(vs[0]))
	}
	form := newRunForm(v.Parameters, values)
	form.Name, form.More = strings.TrimSpace(r.PostFormValue(nameField)), r.PostFormValue(moreField)
	if strings.TrimSpace(form.More) != "" {
		var more map[string]any
		dec := json.NewDecoder(bytes.NewReader([]byte(form.More)))
		dec.UseNumber()
		if err := dec.Decode(&more); err != nil {
			form.Problems = append(form.Problems, "more parameters: not a JSON object: "+err.Error())
		}
		for k, x := range more {
			params[k] = x
		}
	}
	if len(form.Problems) == 0 {
		spec := d.runSpec(env, pipeline)
		form.Unknown = spec == nil
		form.place(compile.CheckRun(spec, params))
	}
	if !form.hasProblems() {
		run, err := d.StartRun(r.Context(), env, pipeline, RunRequest{Name: form.Name, Parameters: params})
		if err == nil {
			setFlash(w, r, flash{OK: true, Text: "Run " + run.Name + " of " + pipeline + " started."})
			d.log.Info("page action", "path", r.URL.Path)
			http.Redirect(w, r, "/ui/env/"+url.PathEscape(env)+"/pipelines/"+url.PathEscape(pipeline)+"/runs/"+url.PathEscape(run.Name),
				http.StatusSeeOther)
			return
		}
		form.Problems = append(form.Problems, err.Error())
	}
	d.log.Info("page action refused", "path", r.URL.Path, "problems", len(form.Problems))
	v.Form = form
	v.Runs = d.pageRuns(r.Context(), env, pipeline, v.Runs)
	// Not live: a refresh would fetch the form's address, and would
	// lose what was typed.
	d.render(w, r, http.StatusUnprocessableEntity, "pipeline", pageData{Title: pipeline + " in " + env,
		Path: "/ui/env/" + url.PathEscape(env) + "/pipelines/" + url.PathEscape(pipeline), Body: v})
}

// runSpec returns what a run of pipeline is checked against, as
// StartRun checks it; nil when that is not known.
func (d *Daemon) runSpec(env, pipeline string) *compile.RunSpec {
	w, err := d.env(env)
	if err != nil {
		return nil
	}
	applied, err := rollout.Inventory(w.store, w.key())
	if err != nil {
		return nil
	}
	return w.runSpec(applied, pipeline)
}

// place puts each of CheckRun's problems next to the field it names,
// or next to the field it suggests for an undeclared name ("did you
// mean"), else above the fields.
func (f *runForm) place(problems []string) {
	for _, msg := range problems {
		i := f.owner(msg)
		if i < 0 {
			f.Problems = append(f.Problems, msg)
			continue
		}
		f.Fields[i].Problems = append(f.Fields[i].Problems, msg)
	}
}

// owner is the index of the field msg concerns, -1 for none.
func (f *runForm) owner(msg string) int {
	for i, fd := range f.Fields {
		if strings.HasPrefix(msg, "parameter "+strconv.Quote(fd.Name)+" ") {
			return i
		}
	}
	for i, fd := range f.Fields {
		if strings.Contains(msg, "did you mean "+strconv.Quote(fd.Name)+"?") {
			return i
		}
	}
	return -1
}

func (f *runForm) hasProblems() bool {
	if len(f.Problems) > 0 {
		return true
	}
	for _, fd := range f.Fields {
		if len(fd.Problems) > 0 {
			return true
		}
	}
	return false
}
