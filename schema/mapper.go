package schema

import (
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// mapper turns the violation tree the jsonschema library reports into
// located diagnostics, one per leaf violation.
type mapper struct {
	v     *Validator
	doc   *dsl.Document
	env   string
	value map[string]any
	loc   locator
	diags sluice.Diagnostics
	// exclusive collects, per object (its path joined by "/"), the fields
	// set together that exclude each other; finish reports each object
	// once.
	exclusive map[string]*exclusion
}

type exclusion struct {
	path   []string
	fields map[string]bool
}

func newMapper(v *Validator, doc *dsl.Document, env string, value map[string]any) *mapper {
	return &mapper{
		v: v, doc: doc, env: env, value: value,
		loc: locator{doc: doc, env: env, spec: value["spec"]},
	}
}

func (m *mapper) add(pos sluice.Position, code, format string, args ...any) {
	d := sluice.Errorf(pos, code, format, args...)
	d.Document, d.Env = m.doc.ID(), m.env
	m.diags = append(m.diags, d)
}

// walk descends to the leaves of a violation tree.
func (m *mapper) walk(e *jsonschema.ValidationError) {
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, c := range e.Causes {
			m.walk(c)
		}
	case *kind.AnyOf:
		m.alternatives(e)
	case *kind.OneOf:
		if len(k.Subschemas) == 0 {
			m.alternatives(e)
			return
		}
		m.add(m.loc.pos(false, e.InstanceLocation), "schema.one-of",
			"%s fits more than one of the forms it may take; make it fit exactly one", subject(e.InstanceLocation))
	default:
		m.leaf(e)
	}
}

// alternatives reports an anyOf or oneOf none of whose branches matched.
// When the value has the wrong type for every branch it says which types
// would do; when every branch only misses a field it names them; otherwise
// it reports the errors of the branch closest to the value.
func (m *mapper) alternatives(e *jsonschema.ValidationError) {
	var types, missing []string
	var best *jsonschema.ValidationError
	bestLeaves, allRequired := 0, true
	for _, branch := range e.Causes {
		leaves := flatten(branch)
		if want, ok := typeMismatch(leaves, e.InstanceLocation); ok {
			types = appendNew(types, want...)
			continue
		}
		if names, ok := onlyMissing(leaves, e.InstanceLocation); ok {
			missing = appendNew(missing, names...)
		} else {
			allRequired = false
		}
		if best == nil || len(leaves) < bestLeaves {
			best, bestLeaves = branch, len(leaves)
		}
	}
	path := e.InstanceLocation
	switch {
	case best == nil:
		m.add(m.loc.pos(false, path), "schema.type", "%s must be %s, not %s%s",
			subject(path), wantTypes(types), describeValue(valueAt(m.value, path)), quoteHint(types, valueAt(m.value, path)))
	case allRequired && len(missing) > 0:
		m.add(m.loc.pos(false, path), "schema.required", "%s needs one of %s",
			owner(path), joinAnd(quoteAll(missing), "or"))
	default:
		m.walk(best)
	}
}

// flatten returns the leaf violations under e, looking through the nodes
// that only group others.
func flatten(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	switch e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		var out []*jsonschema.ValidationError
		for _, c := range e.Causes {
			out = append(out, flatten(c)...)
		}
		return out
	}
	return []*jsonschema.ValidationError{e}
}

// typeMismatch reports whether a branch failed only because the value at
// path has another type, and which types it wanted.
func typeMismatch(leaves []*jsonschema.ValidationError, path []string) ([]string, bool) {
	var want []string
	for _, l := range leaves {
		t, ok := l.ErrorKind.(*kind.Type)
		if !ok || !samePath(l.InstanceLocation, path) {
			return nil, false
		}
		want = appendNew(want, t.Want...)
	}
	return want, len(leaves) > 0
}

// onlyMissing reports whether a branch failed only because the object at
// path lacks fields, and which.
func onlyMissing(leaves []*jsonschema.ValidationError, path []string) ([]string, bool) {
	var names []string
	for _, l := range leaves {
		r, ok := l.ErrorKind.(*kind.Required)
		if !ok || !samePath(l.InstanceLocation, path) {
			return nil, false
		}
		names = appendNew(names, r.Missing...)
	}
	return names, len(leaves) > 0
}

func samePath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, have := range list {
			found = found || have == it
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}

// finish reports the collected exclusions and returns every diagnostic,
// sorted and without duplicates.
func (m *mapper) finish() sluice.Diagnostics {
	keys := make([]string, 0, len(m.exclusive))
	for k := range m.exclusive {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m.reportExclusion(m.exclusive[k])
	}
	return m.diags.Sort()
}

// reportExclusion reports fields that exclude each other once, at the one
// written last.
func (m *mapper) reportExclusion(x *exclusion) {
	fields := make([]string, 0, len(x.fields))
	for f := range x.fields {
		fields = append(fields, f)
	}
	positions := make(map[string]sluice.Position, len(fields))
	for _, f := range fields {
		positions[f] = m.loc.pos(true, append(append([]string{}, x.path...), f))
	}
	sort.Slice(fields, func(i, j int) bool { return before(positions[fields[i]], positions[fields[j]], fields[i], fields[j]) })
	last := fields[len(fields)-1]
	m.add(positions[last], "schema.exclusive", "%s cannot be set together; keep only one of them",
		joinAnd(quoteAll(fields), "and"))
}

func before(a, b sluice.Position, an, bn string) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	return an < bn
}

func (m *mapper) exclude(path []string, a, b string) {
	if m.exclusive == nil {
		m.exclusive = map[string]*exclusion{}
	}
	key := strings.Join(path, "/")
	x, ok := m.exclusive[key]
	if !ok {
		x = &exclusion{path: path, fields: map[string]bool{}}
		m.exclusive[key] = x
	}
	x.fields[a], x.fields[b] = true, true
}
