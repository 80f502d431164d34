package reconcile

import (
	"sort"
	"strings"

	"github.com/sluice-dev/sluice"
)

// fileHold says whether a's file is held and why: the file it was last
// applied from cannot be read, or names a document whose identity cannot
// be established. A record whose file is not known is held whenever any
// file is.
func (in PlanInput) fileHold(a *Applied) (string, bool) {
	if a == nil || len(in.HeldFiles) == 0 {
		return "", false
	}
	if a.File == "" {
		file := firstKey(in.HeldFiles)
		return "the file it was last applied from is not recorded, and " + file + " is held (" + in.HeldFiles[file] +
			"): held at its last applied state until every file can be read", true
	}
	if why, ok := in.HeldFiles[a.File]; ok {
		return "its file " + a.File + " is held (" + why + "): held at its last applied state", true
	}
	return "", false
}

// holdInHeldFile turns a change of a desired resource whose file, as
// last applied or as desired now, is held into a hold: nothing applied
// from a held file is updated.
func (in PlanInput) holdInHeldFile(c Change) Change {
	why, held := "", false
	if c.Applied != nil && c.Applied.File != "" {
		why, held = in.fileHold(c.Applied)
	}
	if !held && c.Desired != nil && c.Desired.File != "" {
		if w, ok := in.HeldFiles[c.Desired.File]; ok {
			why, held = "its file "+c.Desired.File+" is held ("+w+")", true
		}
	}
	if held {
		c.Reason = string(c.Action) + " (" + c.Reason + ") not done: " + why
		c.Action = ActionHold
	}
	return c
}

func firstKey(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0]
}

// holdReferenced keeps what stays from losing what it refers to: a
// resource about to be deleted that a resource staying in the inventory
// (desired, held, retained or otherwise kept) refers to in its
// last-applied spec or recorded dependencies is held instead, with the
// referrer named. (A retained resource is forgotten, not deleted: it
// stays in AWS for whatever refers to it.) When the referrer is itself changed by this plan to a
// spec that no longer refers to it, the deletion is kept but waits for
// that change (Change.After). Holding one resource can keep what it
// refers to in turn, so the rule is applied until nothing changes.
func holdReferenced(gone []Change, applied map[sluice.ResourceID]*Applied, desiredChanges []Change) {
	changing := make(map[sluice.ResourceID]*Change, len(desiredChanges))
	for i := range desiredChanges {
		if c := &desiredChanges[i]; c.Action.Mutates() && c.Desired != nil {
			changing[c.ID] = c
		}
	}
	for {
		candidates := make(map[string]int) // physical name or ID → index in gone
		leaving := make(map[sluice.ResourceID]bool)
		for i, c := range gone {
			if c.Action == ActionDelete {
				candidates[c.Applied.Name] = i
				candidates["id:"+string(c.ID)] = i
				leaving[c.ID] = true
			}
		}
		if len(candidates) == 0 || !holdOnce(gone, applied, candidates, leaving, changing) {
			return
		}
	}
}

// holdOnce applies the rule once and reports whether it held anything.
func holdOnce(gone []Change, applied map[sluice.ResourceID]*Applied, candidates map[string]int,
	leaving map[sluice.ResourceID]bool, changing map[sluice.ResourceID]*Change) bool {
	held := false
	for _, x := range sortedApplied(applied) {
		if leaving[x.ID] {
			continue
		}
		for _, i := range referencedBy(x, candidates) {
			y := &gone[i]
			if y.Action == ActionHold || y.ID == x.ID {
				continue
			}
			if c := changing[x.ID]; c != nil && !refersTo(c.Desired.DependsOn, c.Desired.Spec, y.Applied) {
				if y.Action == ActionDelete && !containsID(y.After, x.ID) {
					y.After = append(y.After, x.ID)
					y.Reason += "; after " + string(x.ID) + " no longer refers to it"
				}
				continue
			}
			y.Action = ActionHold
			y.Reason = "gone from the documents, but " + string(x.ID) + " (" + referrerState(x.ID, changing) +
				") still refers to it in its last-applied spec: not pruned while that reference stands"
			held = true
		}
	}
	return held
}

func referrerState(id sluice.ResourceID, changing map[sluice.ResourceID]*Change) string {
	if changing[id] != nil {
		return "still referring to it after this plan"
	}
	return "kept or held"
}

// referencedBy returns the indexes in gone of the candidates x refers to:
// its recorded dependencies and the physical names its last-applied
// spec mentions.
func referencedBy(x *Applied, candidates map[string]int) []int {
	var out []int
	seen := map[int]bool{}
	add := func(i int) {
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	for _, dep := range x.DependsOn {
		if i, ok := candidates["id:"+string(dep)]; ok {
			add(i)
		}
	}
	for _, tok := range nameTokens(string(x.Spec)) {
		if i, ok := candidates[tok]; ok {
			add(i)
		}
	}
	sort.Ints(out)
	return out
}

// refersTo reports whether a desired resource (its dependencies and
// unresolved spec) still refers to y.
func refersTo(deps []sluice.ResourceID, spec []byte, y *Applied) bool {
	if containsID(deps, y.ID) {
		return true
	}
	for _, tok := range nameTokens(string(spec)) {
		if tok == y.Name {
			return true
		}
	}
	return false
}

// nameTokens splits s into the runs of characters AWS names are made
// of, each also cut at its first dot ("name.json" yields "name.json" and
// "name"), so that a physical name inside an ARN, an S3 URI or a JSON
// string is found whole.
func nameTokens(s string) []string {
	var out []string
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return !isNameRune(r) }) {
		out = append(out, tok)
		if before, _, ok := strings.Cut(tok, "."); ok && before != "" {
			out = append(out, before)
		}
	}
	return out
}

func isNameRune(r rune) bool {
	return r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

func containsID(ids []sluice.ResourceID, id sluice.ResourceID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
