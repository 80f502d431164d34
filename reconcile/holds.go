package reconcile

import (
	"bytes"
	"sort"

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

// holdDependants holds the creations and updates that need a resource
// whose creation is held because its file is (see holdInHeldFile): they
// would fail, or create something that refers to nothing. The reason
// names the resource and its held file. Holding a creation holds what
// needs it in turn, so the rule is applied until nothing changes.
func holdDependants(changes []Change) {
	missing := make(map[sluice.ResourceID]string) // ID → why it will not exist
	for _, c := range changes {
		if c.Action == ActionHold && c.Applied == nil && c.Desired != nil && c.Desired.File != "" {
			missing[c.ID] = "its file " + c.Desired.File + " is held"
		}
	}
	for held := len(missing) > 0; held; {
		held = false
		for i := range changes {
			c := &changes[i]
			if !c.Action.Mutates() || c.Desired == nil {
				continue
			}
			for _, dep := range c.Desired.DependsOn {
				why, ok := missing[dep]
				if !ok {
					continue
				}
				c.Reason = string(c.Action) + " (" + c.Reason + ") not done: it needs " + string(dep) + ", whose creation is held (" + why + ")"
				if c.Action == ActionCreate {
					missing[c.ID] = "it needs " + string(dep) + ", " + why
				}
				c.Action, held = ActionHold, true
				break
			}
		}
	}
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
	candidates := make(map[string]int) // physical name or "id:" ID → index in gone
	for i, c := range gone {
		if c.Action == ActionDelete {
			candidates[c.Applied.Name] = i
			candidates["id:"+string(c.ID)] = i
		}
	}
	if len(candidates) == 0 {
		return
	}
	// Each spec is read once: what each resource refers to among the
	// candidates.
	order := sortedApplied(applied)
	refs := make(map[sluice.ResourceID][]int)
	for _, x := range order {
		if r := referencedBy(x, candidates); len(r) > 0 {
			refs[x.ID] = r
		}
	}
	for held := true; held; {
		held = holdOnce(gone, order, refs, changing)
	}
}

// holdOnce applies the rule once, to the resources that stay as gone
// says now, and reports whether it held anything.
func holdOnce(gone []Change, order []*Applied, refs map[sluice.ResourceID][]int, changing map[sluice.ResourceID]*Change) bool {
	leaving := make(map[sluice.ResourceID]bool)
	for _, c := range gone {
		if c.Action == ActionDelete {
			leaving[c.ID] = true
		}
	}
	held := false
	for _, x := range order {
		if leaving[x.ID] {
			continue
		}
		for _, i := range refs[x.ID] {
			y := &gone[i]
			if y.Action != ActionDelete || y.ID == x.ID {
				continue
			}
			if c := changing[x.ID]; c != nil && !refersTo(c.Desired.DependsOn, c.Desired.Spec, y.Applied) {
				if !containsID(y.After, x.ID) {
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
	eachNameToken(x.Spec, func(tok []byte) {
		if i, ok := candidates[string(tok)]; ok {
			add(i)
		}
	})
	sort.Ints(out)
	return out
}

// refersTo reports whether a desired resource (its dependencies and
// unresolved spec) still refers to y.
func refersTo(deps []sluice.ResourceID, spec []byte, y *Applied) bool {
	if containsID(deps, y.ID) {
		return true
	}
	found := false
	eachNameToken(spec, func(tok []byte) { found = found || string(tok) == y.Name })
	return found
}

// eachNameToken calls fn with each run of the characters AWS names are
// made of in s, and with each such run cut at its first dot ("name.json"
// gives "name.json" and "name"), so that a physical name inside an ARN,
// an S3 URI or a JSON string is found whole. It allocates nothing.
func eachNameToken(s []byte, fn func(tok []byte)) {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isNameByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			tok := s[start:i]
			fn(tok)
			if dot := bytes.IndexByte(tok, '.'); dot > 0 {
				fn(tok[:dot])
			}
			start = -1
		}
	}
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func containsID(ids []sluice.ResourceID, id sluice.ResourceID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
