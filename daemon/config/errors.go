package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice"
)

// Finding is one problem in a configuration file: where, which field (a
// path such as "repositories[0].environments[1].aws.roleArn") and what.
type Finding struct {
	Pos     sluice.Position `json:"position"`
	Field   string          `json:"field,omitempty"`
	Message string          `json:"message"`
}

// String formats the finding as "file:line:col: field: message".
func (f Finding) String() string {
	if f.Field == "" {
		return fmt.Sprintf("%s: %s", f.Pos, f.Message)
	}
	return fmt.Sprintf("%s: %s: %s", f.Pos, f.Field, f.Message)
}

// Error is what Parse and Load return for a configuration that is not
// valid: every finding, in file order.
type Error struct {
	Findings []Finding
}

// Error returns one finding per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		lines[i] = f.String()
	}
	return strings.Join(lines, "\n")
}

// sortFindings orders findings by position, keeping the order of findings
// at the same place.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
}
