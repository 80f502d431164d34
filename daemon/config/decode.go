package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice"
)

// decoder walks the YAML tree of one configuration file, building the
// Config and collecting every finding on the way, each at the node it is
// about.
type decoder struct {
	file string
	// dir is the folder relative paths are resolved against.
	dir      string
	findings []Finding
	warnings []Finding
	// dropped counts the findings beyond maxFindings.
	dropped int
	// visits counts the collections walked, to stop on a tree that
	// aliases make huge.
	visits int
	// accounts remembers the quotas of each account and region.
	accounts map[string]quotaSite
	// secretFiles, dataDirs and exposures are what checkExposures
	// compares: the files of secrets, the local data directories, and
	// the paths sandboxed steps may read.
	secretFiles []string
	dataDirs    []string
	exposures   []exposure
}

// maxVisits bounds the collections walked in one file: far beyond any real
// configuration, far below what nested aliases can expand to.
const maxVisits = 20_000

// tooBig counts a visit to collection n and says, once, when the file
// has grown beyond maxVisits.
func (d *decoder) tooBig(n *yaml.Node) bool {
	d.visits++
	if d.visits == maxVisits { // reported even beyond maxFindings
		d.findings = append(d.findings, Finding{Pos: d.pos(n),
			Message: fmt.Sprintf("the configuration expands beyond %d mappings and lists (aliases?)", maxVisits)})
	}
	return d.visits >= maxVisits
}

// field decodes the value of one key of a mapping; path names it.
type field func(v *yaml.Node, path string)

func (d *decoder) pos(n *yaml.Node) sluice.Position {
	return sluice.Position{File: d.file, Line: n.Line, Column: n.Column}
}

// maxFindings bounds the findings reported for one file; the rest are
// counted.
const maxFindings = 100

// fail records a finding about node n.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	if len(d.findings) >= maxFindings {
		d.dropped++
		return
	}
	d.findings = append(d.findings, Finding{Pos: d.pos(n), Field: path, Message: fmt.Sprintf(format, args...)})
}

// warn records a finding that does not make the configuration invalid.
func (d *decoder) warn(n *yaml.Node, path, format string, args ...any) {
	d.warnings = append(d.warnings, Finding{Pos: d.pos(n), Field: path, Message: fmt.Sprintf(format, args...)})
}

// mapping decodes the mapping n: each known key's value goes to its field
// function, in file order; unknown and repeated keys are findings, the
// unknown ones followed by hint when it is not empty. It returns the value
// node of each key present, nil when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, path string, fields map[string]field, hint string) map[string]*yaml.Node {
	if d.tooBig(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping, not %s", kindOf(n))
		return nil
	}
	present := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		p := join(path, k.Value)
		fn, known := fields[k.Value]
		switch {
		case !known:
			d.fail(k, p, "unknown field%s", unknownHint(k.Value, fields, hint))
		case present[k.Value] != nil:
			d.fail(k, p, "repeated field")
		default:
			present[k.Value] = v
			fn(v, p)
		}
	}
	return present
}

// require records a finding for each key missing from present. A nil
// present (n was not a mapping, already reported) reports nothing.
func (d *decoder) require(n *yaml.Node, path string, present map[string]*yaml.Node, keys ...string) {
	if present == nil {
		return
	}
	for _, k := range keys {
		switch v := present[k]; {
		case v == nil:
			d.fail(n, join(path, k), "required field missing")
		case v.ShortTag() == "!!null", v.Kind == yaml.SequenceNode && len(v.Content) == 0:
			d.fail(v, join(path, k), "required, must not be empty")
		}
	}
}

// list decodes the sequence n, calling each for every item with its path.
func (d *decoder) list(n *yaml.Node, path string, each func(item *yaml.Node, path string)) {
	if n.ShortTag() == "!!null" || d.tooBig(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "must be a list, not %s", kindOf(n))
		return
	}
	for i, item := range n.Content {
		each(resolve(item), fmt.Sprintf("%s[%d]", path, i))
	}
}

// str returns the scalar n as a string; null is "".
func (d *decoder) str(n *yaml.Node, path string) string {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "must be a string, not %s", kindOf(n))
		return ""
	}
	if n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

// boolean returns the scalar n as a bool.
func (d *decoder) boolean(n *yaml.Node, path string) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.fail(n, path, "must be true or false")
	}
	return b
}

// integer returns the scalar n as an int at least min.
func (d *decoder) integer(n *yaml.Node, path string, minimum int) int {
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		d.fail(n, path, "must be a whole number")
		return 0
	}
	if i < minimum {
		d.fail(n, path, "must be at least %d", minimum)
	}
	return i
}

// duration returns the scalar n as a duration ("90s", "5m"), which must be
// at least minimum, or 0 when zeroOK.
func (d *decoder) duration(n *yaml.Node, path string, minimum time.Duration, zeroOK bool) time.Duration {
	s := d.str(n, path)
	v, err := time.ParseDuration(s)
	switch {
	case n.Kind != yaml.ScalarNode:
		return 0
	case err != nil || v < 0:
		d.fail(n, path, "%q is not a duration such as 30s, 5m or 1h", s)
		return 0
	case v == 0 && zeroOK:
	case v < minimum:
		d.fail(n, path, "%s is too short: the minimum is %s", v, minimum)
	}
	return v
}

// path returns the scalar n as a local path, resolved against the
// configuration file's folder when relative.
func (d *decoder) path(n *yaml.Node, path string) string {
	p := d.str(n, path)
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.dir, p)
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func kindOf(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.ShortTag() == "!!null":
		return "empty"
	default:
		return "a scalar"
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// unknownHint suggests the known key closest to an unknown one, or lists
// the known keys.
func unknownHint(key string, fields map[string]field, hint string) string {
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	slices.Sort(known)
	if hint != "" {
		return ": " + hint
	}
	for _, k := range known {
		if strings.EqualFold(k, key) || editDistance(k, key) <= 2 {
			return fmt.Sprintf(": did you mean %q?", k)
		}
	}
	return " (known: " + strings.Join(known, ", ") + ")"
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
