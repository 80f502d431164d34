package sluice

import (
	"fmt"
	"sort"
	"strings"
)

// Position is a place in a file of the repository. Line and Column are
// 1-based; a zero Line means the whole file.
type Position struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the position as file:line:col, the form editors and CI
// annotations understand.
func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
}

// Severity says whether a diagnostic blocks deployment.
type Severity string

// Severities of a Diagnostic.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one finding about the repository: a stable code, a message
// written for the person who must fix it, and where.
type Diagnostic struct {
	Pos      Position `json:"position"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
	// Document is the ID (Kind/name) of the document the finding belongs
	// to, empty when the file could not be split into documents.
	Document string `json:"document,omitempty"`
	// Env is the environment whose merged document is wrong, empty when
	// the finding holds for every environment.
	Env string `json:"environment,omitempty"`
}

// String formats the diagnostic as "file:line:col: code: message".
func (d Diagnostic) String() string {
	msg := d.Message
	if d.Env != "" {
		msg += " (environment " + d.Env + ")"
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, d.Code, msg)
}

// Diagnostics is a list of findings. As an error it reports every finding,
// one per line.
type Diagnostics []Diagnostic

// Error joins every diagnostic on its own line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// HasErrors reports whether any diagnostic has error severity.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity != SeverityWarning {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, line, column, code, environment,
// message and document, and removes exact duplicates (the same finding
// reached through two environments is reported once).
func (ds Diagnostics) Sort() Diagnostics {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].less(ds[j]) })
	out := ds[:0]
	for i, d := range ds {
		if i > 0 && d == ds[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}

func (d Diagnostic) less(o Diagnostic) bool {
	if d.Pos.File != o.Pos.File {
		return d.Pos.File < o.Pos.File
	}
	if d.Pos.Line != o.Pos.Line {
		return d.Pos.Line < o.Pos.Line
	}
	if d.Pos.Column != o.Pos.Column {
		return d.Pos.Column < o.Pos.Column
	}
	if d.Code != o.Code {
		return d.Code < o.Code
	}
	if d.Env != o.Env {
		return d.Env < o.Env
	}
	if d.Message != o.Message {
		return d.Message < o.Message
	}
	// Last, so that one finding held by several documents stays together
	// and Sort's removal of duplicates sees them side by side.
	return d.Document < o.Document
}

// Errorf builds an error-severity diagnostic.
func Errorf(pos Position, code, format string, args ...any) Diagnostic {
	return Diagnostic{Pos: pos, Code: code, Message: fmt.Sprintf(format, args...), Severity: SeverityError}
}

// Collapse reports once, without an environment, a finding made
// identically in every one of envs; the list must be sorted.
func (ds Diagnostics) Collapse(envs []string) Diagnostics {
	count := make(map[Diagnostic]int)
	for _, d := range ds {
		if d.Env != "" {
			d.Env = ""
			count[d]++
		}
	}
	out := make(Diagnostics, 0, len(ds))
	for _, d := range ds {
		general := d
		general.Env = ""
		if d.Env != "" && len(envs) > 1 && count[general] == len(envs) {
			d = general
		}
		out = append(out, d)
	}
	return out.Sort()
}
