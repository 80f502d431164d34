package reconcile

import (
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
)

// FieldDiff is one field of a resource that differs between two of its
// states. Path names the field from the resource's root (see Path
// notation below); Old is the value there now (last applied for a change
// in Git, what AWS reports for drift) and New the value the plan brings it
// to; either is absent (nil) when the field is not set on that side.
//
// Path notation: "spec", "tags" or "deletion" first, then ".key" for an
// object key that is a plain identifier (letters, digits, "_" and "-"),
// `["key"]` (a JSON string) for any other key, "[3]" for the fourth item
// of a list, and "[name=train]" for the item of a list of named items
// (each an object with a unique "name", "Name", "ID", "Id" or "id") that
// has that name: spec.lifecycle.Rules[ID=tmp].Expiration.Days,
// spec.definition.States["Sluice.Input"].Next, tags["sluice.dev/spec-hash"].
// A list of plain values (instance types, subnets) is one field.
//
// Sensitive is set when the path names a secret (Batch secrets, a
// password, a valueFrom, a token, a credential): Old and New then hold
// the string "(sensitive)" instead of the values (a boolean, which no
// secret is, is shown), and a value that is an object or list is
// redacted the same way where it holds such a field.
//
// Drift is set on a field of a change in the documents that also drifted
// outside Sluice: Old is then what AWS reports. In a field the documents
// did not change, New is the value last applied, which the update
// restores; in one they change, New is the documents' value.
type FieldDiff struct {
	Path      string          `json:"path"`
	Old       json.RawMessage `json:"old,omitempty"`
	New       json.RawMessage `json:"new,omitempty"`
	Sensitive bool            `json:"sensitive,omitempty"`
	Drift     bool            `json:"drift,omitempty"`
}

// sensitiveText is what stands for a secret's value.
const sensitiveText = "(sensitive)"

// DiffSpecs returns the fields that differ between two specs, by the
// meaning SameJSON gives "same" (null, empty strings, lists and objects
// are absent), with paths rooted at "spec". It is empty exactly when
// SameJSON(old, new) holds, and nil when either is not valid JSON.
func DiffSpecs(old, new json.RawMessage) []FieldDiff {
	return diffSpecs(old, new, false)
}

// diffDesired is DiffSpecs for a last-applied spec (old, resolved) and a
// desired spec (new) whose placeholders may be unresolved: a string with
// ${...} placeholders is the same as an old string it matches with each
// placeholder standing for any non-empty text.
func diffDesired(old, new json.RawMessage) []FieldDiff {
	return diffSpecs(old, new, true)
}

func diffSpecs(old, new json.RawMessage, placeholders bool) []FieldDiff {
	var vo, vn any
	if json.Unmarshal(old, &vo) != nil || json.Unmarshal(new, &vn) != nil {
		return nil
	}
	d := differ{placeholders: placeholders, root: "spec"}
	d.diff(rootOf(vo), rootOf(vn))
	return d.out
}

// rootOf drops v's empty values, keeping an empty object an object so
// that a spec's fields are compared one by one.
func rootOf(v any) any {
	v = dropEmpty(v)
	if v == nil {
		return map[string]any{}
	}
	return v
}

// DiffTags returns the tags that differ between old and new, each with
// the path tags.KEY (or tags["KEY"] for a key that is not an identifier,
// as Sluice's own sluice.dev/ keys).
func DiffTags(old, new map[string]string) []FieldDiff {
	var out []FieldDiff
	keys := slices.Sorted(maps.Keys(old))
	for k := range new {
		if _, ok := old[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		o, inOld := old[k]
		n, inNew := new[k]
		if inOld && inNew && o == n {
			continue
		}
		f := FieldDiff{Path: "tags" + keyPath(k)}
		if inOld {
			f.Old = jsonOf(o)
		}
		if inNew {
			f.New = jsonOf(n)
		}
		out = append(out, f)
	}
	return out
}

// deletionDiff is the field of a changed deletion policy.
func deletionDiff(old, new sluice.DeletionPolicy) FieldDiff {
	f := FieldDiff{Path: "deletion", New: jsonOf(string(new))}
	if old != "" {
		f.Old = jsonOf(string(old))
	}
	return f
}

// differ walks two decoded JSON values side by side. The path to where
// it is is a stack of steps, made into text only for a field that
// differs, so that walking what is the same costs no allocation.
type differ struct {
	placeholders bool
	root         string
	steps        []step
	out          []FieldDiff
}

// step is one step of a path: an object's key, a list's index, or a
// named item (nameKey=key).
type step struct {
	key, nameKey string
	index        int
}

// path renders the steps to where the differ is.
func (d *differ) path() string {
	var b strings.Builder
	b.WriteString(d.root)
	for _, s := range d.steps {
		switch {
		case s.nameKey != "":
			b.WriteString("[" + s.nameKey + "=" + nameText(s.key) + "]")
		case s.key == "" && s.index >= 0:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		default:
			b.WriteString(keyPath(s.key))
		}
	}
	return b.String()
}

// into walks old and new one step further down.
func (d *differ) into(s step, old, new any) {
	d.steps = append(d.steps, s)
	d.diff(old, new)
	d.steps = d.steps[:len(d.steps)-1]
}

func (d *differ) diff(old, new any) {
	switch o := old.(type) {
	case map[string]any:
		if n, ok := new.(map[string]any); ok {
			d.diffObjects(o, n)
			return
		}
	case []any:
		if n, ok := new.([]any); ok && d.diffLists(o, n) {
			return
		}
	}
	if !d.same(old, new) {
		d.add(d.path(), old, new)
	}
}

func (d *differ) diffObjects(old, new map[string]any) {
	keys := slices.Sorted(maps.Keys(old))
	for k := range new {
		if _, ok := old[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		d.into(step{key: k, index: -1}, old[k], new[k])
	}
}

// same reports whether two values (empty ones dropped) mean the same.
func (d *differ) same(old, new any) bool {
	if reflect.DeepEqual(old, new) {
		return true
	}
	if !d.placeholders {
		return false
	}
	o, ok1 := old.(string)
	n, ok2 := new.(string)
	return ok1 && ok2 && matchesPlaceholders(n, o)
}

func (d *differ) add(path string, old, new any) {
	f := FieldDiff{Path: path}
	secret := sensitivePath(path) && (!boolOrNil(old) || !boolOrNil(new))
	f.Sensitive = secret
	if old != nil {
		f.Old = valueJSON(path, old, secret)
	}
	if new != nil {
		f.New = valueJSON(path, new, secret)
	}
	d.out = append(d.out, f)
}

// valueJSON encodes v, redacted when it is a secret or holds one.
func valueJSON(path string, v any, secret bool) json.RawMessage {
	if secret {
		return jsonOf(sensitiveText)
	}
	b, _ := json.Marshal(redact(path, v))
	return b
}

// redact replaces what a value holds under a sensitive path by
// "(sensitive)".
func redact(path string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			p := path + keyPath(k)
			if _, isBool := item.(bool); sensitivePath(p) && !isBool {
				out[k] = sensitiveText
				continue
			}
			out[k] = redact(p, item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = redact(path, item)
		}
		return out
	}
	return v
}

// sensitiveWords are the words that make a path a secret's: Batch's
// secrets list and its valueFrom, passwords, tokens, credentials, keys to
// an API. A boolean under such a path (ManageMasterUserPassword) is
// shown: a secret is never true or false.
func sensitiveWords() []string {
	return []string{"secret", "password", "passwd", "valuefrom", "token", "credential", "apikey", "api_key", "private_key", "privatekey"}
}

// sensitivePath reports whether path names a secret. The whole path
// counts, names of items and states included: a step called
// "secret-scan" has its fields redacted too, which costs a reviewer a
// value and never leaks one.
func sensitivePath(path string) bool {
	p := strings.ToLower(path)
	for _, w := range sensitiveWords() {
		if strings.Contains(p, w) {
			return true
		}
	}
	return false
}

// boolOrNil reports whether v is a boolean or absent.
func boolOrNil(v any) bool {
	_, ok := v.(bool)
	return ok || v == nil
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// keyPath is the path step to an object's key.
func keyPath(k string) string {
	if identifier.MatchString(k) {
		return "." + k
	}
	return "[" + string(jsonOf(k)) + "]"
}

func jsonOf(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

var placeholder = regexp.MustCompile(`\$\{[^}]+\}`)

// matchesPlaceholders reports whether s, which may hold ${...}
// placeholders, matches resolved, each placeholder standing for any
// non-empty text.
func matchesPlaceholders(s, resolved string) bool {
	if !strings.Contains(s, "${") {
		return false
	}
	parts := placeholder.Split(s, -1)
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = regexp.QuoteMeta(p)
	}
	re, err := regexp.Compile("^" + strings.Join(quoted, ".+") + "$")
	return err == nil && re.MatchString(resolved)
}
