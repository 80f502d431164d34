package asl

import (
	"fmt"
)

// fields reads a definition object's fields, keeping the first error.
type fields struct {
	m     map[string]any
	where string
	err   *ParseError
}

func (f *fields) fail(field, format string, args ...any) {
	if f.err == nil {
		f.err = &ParseError{Where: f.where, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
}

func (f *fields) has(k string) bool {
	_, ok := f.m[k]
	return ok
}

func (f *fields) str(k string, required bool) string {
	v, ok := f.m[k]
	if !ok {
		if required {
			f.fail(k, "is required")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok || (required && s == "") {
		f.fail(k, "must be a non-empty string")
	}
	return s
}

func (f *fields) num(k string) (float64, bool) {
	v, ok := f.m[k]
	if !ok {
		return 0, false
	}
	n, ok := number(v)
	if !ok || n < 0 {
		f.fail(k, "must be a non-negative number")
	}
	return n, ok
}

// intField reads a non-negative integer, def when absent.
func (f *fields) intField(k string, def int) int {
	v, ok := f.m[k]
	if !ok {
		return def
	}
	n, ok := integer(v)
	if !ok || n < 0 {
		f.fail(k, "must be a non-negative integer")
	}
	return n
}

func (f *fields) boolean(k string) bool {
	v, ok := f.m[k]
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		f.fail(k, "must be true or false")
	}
	return b
}

func (f *fields) object(k string) map[string]any {
	v, ok := f.m[k]
	if !ok {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		f.fail(k, "must be an object")
	}
	return o
}

func (f *fields) array(k string) []any {
	v, ok := f.m[k]
	if !ok {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		f.fail(k, "must be an array")
	}
	return a
}

func (f *fields) strings(k string) []string {
	var out []string
	for _, v := range f.array(k) {
		s, ok := v.(string)
		if !ok {
			f.fail(k, "must be an array of strings")
		}
		out = append(out, s)
	}
	return out
}

// path reads a path field; nil when absent.
func (f *fields) path(k string, reference bool) *path {
	s := f.str(k, false)
	if !f.has(k) || f.err != nil {
		return nil
	}
	p, err := parsePath(s, reference)
	if err != nil {
		f.fail(k, "%v", err)
	}
	return p
}

// optPath reads InputPath, OutputPath or ResultPath, which may be null.
func (f *fields) optPath(k string) optPath {
	if v, ok := f.m[k]; ok && v == nil {
		return optPath{null: true}
	}
	return optPath{p: f.path(k, k == "ResultPath")}
}

// template reads a payload template field; nil when absent.
func (f *fields) template(k string) expr {
	v, ok := f.m[k]
	if !ok {
		return nil
	}
	e, err := parseTemplate(v)
	if err != nil {
		f.fail(k, "%v", err)
	}
	return e
}
