package config

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultRunRetention is how long recorded runs are kept by default.
const DefaultRunRetention = 90 * 24 * time.Hour

// Runs says where the daemon records runs and for how long.
type Runs struct {
	// PostgresDSN, when set, is where runs are recorded: the database of
	// the project's MetadataStore (a URL or key=value DSN, read from a
	// file or an environment variable since it holds a password).
	PostgresDSN *Secret `json:"postgresDSN,omitempty"`
	// File is the embedded SQLite database used without PostgresDSN;
	// default: runs.db beside the state file.
	File string `json:"file"`
	// Retention is how long a finished run is kept; 0 keeps runs forever.
	Retention time.Duration `json:"retention"`
}

// Embedded reports whether runs go to the embedded database.
func (r Runs) Embedded() bool { return r.PostgresDSN == nil }

// runsSection decodes the runs mapping over the defaults in r.
func (d *decoder) runsSection(n *yaml.Node, path string, r *Runs) {
	d.mapping(n, path, map[string]field{
		"postgresDSN": func(v *yaml.Node, p string) { r.PostgresDSN = d.secret(v, p) },
		"file":        func(v *yaml.Node, p string) { r.File = d.path(v, p) },
		"retention":   func(v *yaml.Node, p string) { r.Retention = d.retention(v, p) },
	}, "")
}

// retention decodes a duration that may be given in days ("90d"); 0
// keeps runs forever.
func (d *decoder) retention(n *yaml.Node, path string) time.Duration {
	s := d.str(n, path)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		v, err := strconv.Atoi(days)
		if err != nil || v < 0 {
			d.fail(n, path, "%q is not a retention such as 90d or 720h", s)
			return 0
		}
		return time.Duration(v) * 24 * time.Hour
	}
	return d.duration(n, path, time.Hour, true)
}

// defaultRunsFile is the embedded database beside the state file.
func defaultRunsFile(stateFile string) string {
	if stateFile == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(stateFile), "runs.db")
}
