package compile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// Input is what one compilation reads: the project file, the documents of
// the repository (in any order; the first of two documents with one
// Kind/name wins) and the environment to compile for.
type Input struct {
	Project   *dsl.Document
	Documents []*dsl.Document
	Env       string
	// Revision is the Git revision the documents come from. It reaches
	// every step as SLUICE_REVISION but is left out of spec hashes.
	Revision string
	// Cache, when set, keeps each pipeline's output between compilations
	// so that only changed pipelines are compiled again.
	Cache *Cache
	// Release, when set, releases each pipeline document's content
	// (dsl.Document.Release) once it is compiled: for a caller that
	// compiles the documents for the last time (render; validate's last
	// environment), whose peak then holds the pipelines not yet
	// compiled and the output, not every pipeline's plain values and
	// typed specs as well.
	Release bool
	// FindingsOnly, when set, is for a caller that wants the findings
	// and not the resources (validate): resources come out without spec,
	// tags or hash, and no spec is written but each state machine's
	// definition, whose size Step Functions limits.
	FindingsOnly bool
}

// revisionSentinel stands for the revision while a spec is hashed, so a
// commit that changes nothing in a resource leaves its hash alone.
const revisionSentinel = "@@sluice.revision@@"

// compiler holds the state of one Compile.
type compiler struct {
	in       Input
	project  string
	spec     dsl.ProjectSpec
	docs     map[string]map[string]*dsl.Document // kind → name → document
	stores   map[string]*storeInfo
	computes map[string]*computeInfo
	// instanceTab is the table of instance types steps are checked
	// against; only read once compilation starts.
	instanceTab map[string]instanceSize
	out         []sluice.Resource
	diags       sluice.Diagnostics
	buf         []byte // encodes a resource's spec
	scratch     []byte // encodes a state machine's definition
	// arena holds the encoded parts of the pipeline being compiled; it is
	// reused from one pipeline to the next.
	arena []byte
	// srcDoc and srcID are the document of the last resource emitted and
	// its ID: a pipeline's resources share one Source string (a daemon
	// keeps them between reconciles).
	srcDoc *dsl.Document
	srcID  string
	// vars holds a step's override variables while they are encoded.
	vars []envVar
}

// Compile turns the documents into the desired resources of one
// environment, sorted by ID. It is a pure function: the same input gives
// byte-identical output.
//
// Documents are assumed to have passed schema validation; what they still
// get wrong (an AWS limit, a reference to a document that is not among
// them, a step graph that does not hold together) is returned as
// diagnostics positioned in the documents, and the document at fault
// yields no resources. Compile never panics on any input.
func Compile(in Input) ([]sluice.Resource, sluice.Diagnostics) {
	if in.Project == nil {
		return nil, sluice.Diagnostics{sluice.Errorf(sluice.Position{File: dsl.ProjectFile}, "compile.no-project",
			"no Project document: add %s at the repository root (kind: Project)", dsl.ProjectFile)}
	}
	c := &compiler{in: in, project: in.Project.Name, stores: map[string]*storeInfo{}, computes: map[string]*computeInfo{},
		instanceTab: instanceTypes()}
	if !c.decode(in.Project, &c.spec) {
		return nil, c.diags
	}
	c.index()
	for _, kind := range []string{dsl.KindArtifactStore, dsl.KindComputeEnvironment, dsl.KindMetadataStore} {
		for _, name := range sortedKeys(c.docs[kind]) {
			c.document(c.docs[kind][name])
		}
	}
	c.runEvents()
	pipelines := make([]*dsl.Document, 0, len(c.docs[dsl.KindPipeline]))
	for _, name := range sortedKeys(c.docs[dsl.KindPipeline]) {
		pipelines = append(pipelines, c.docs[dsl.KindPipeline][name])
	}
	if in.Cache != nil {
		in.Cache.begin(c.cacheContext())
		defer in.Cache.end()
	}
	results := c.pipelines(pipelines)
	chunks := make([]cacheEntry, 0, len(results)+1)
	chunks = append(chunks, cacheEntry{out: sortByID(c.out)})
	for _, r := range results {
		chunks = append(chunks, r)
		c.diags = append(c.diags, r.diags...)
	}
	out, places := mergeByID(chunks, in.Cache.withoutSpecs())
	if places != nil {
		places = places[1:] // the pipelines' chunks, after c.out's
	}
	in.Cache.share(pipelines, in.Env, c.cacheRevision(), results, out, places)
	return out, c.diags.Sort()
}

// pipelinesPerWorker is the least work worth a goroutine of its own.
const pipelinesPerWorker = 16

// pipelines compiles the pipelines, spread over the available cores.
// Workers only read what the compiler holds (stores and compute
// environments are all decoded by now) and each pipeline's resources and
// findings are kept apart, by position, then appended in one go; the
// caller sorts the union, so the output does not depend on which worker
// compiled what.
func (c *compiler) pipelines(docs []*dsl.Document) []cacheEntry {
	results := make([]cacheEntry, len(docs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(docs)/pipelinesPerWorker))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		// Each worker compiles into its own buffers; the resources of
		// stores and compute environments stay in c.out.
		w := *c
		w.out, w.diags, w.buf, w.scratch, w.arena, w.vars = nil, nil, nil, nil, nil, nil
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := next.Add(1) - 1; j < int64(len(docs)); j = next.Add(1) - 1 {
				results[j] = w.cachedPipeline(docs[j])
				if c.in.Release {
					docs[j].Release()
				}
			}
		}()
	}
	wg.Wait()
	return results
}

// sortByID orders resources by ID, in place.
func sortByID(res []sluice.Resource) []sluice.Resource {
	slices.SortFunc(res, byID)
	return res
}

func byID(a, b sluice.Resource) int { return strings.Compare(string(a.ID), string(b.ID)) }

// mergeByID joins chunks, each sorted by ID (a pipeline's resources,
// say), into one slice sorted by ID, copying each resource once, in one
// pass. Type by type is ID order, because IDs are "Type/name", types are
// letters only, and "/" sorts before every letter; so each type's
// resources go to their own stretch of the output, and within a sorted
// chunk they are one run. Chunks come in pipeline name order, so a
// type's stretch is nearly always sorted already: only where one
// chunk's run meets the next is it compared, and a stretch found out of
// order is sorted. (With 1,000 pipelines, comparing every neighbour cost
// more than the rest of an incremental compilation.)
//
// When placed is set it also returns where each chunk's resources went:
// places[c][k] is the index in out of chunks[c][k]; nil when a stretch
// had to be sorted (the copies' places are not the resources' then).
func mergeByID(chunks []cacheEntry, placed bool) ([]sluice.Resource, [][]int32) {
	type stretch struct {
		next     int
		count    int
		unsorted bool
	}
	stretches := make(map[sluice.ResourceType]*stretch)
	total := 0
	for _, ch := range chunks {
		for i, j := 0, 0; i < ch.len(); i = j {
			j = runEnd(ch, i)
			t := ch.typ(i)
			s := stretches[t]
			if s == nil {
				s = &stretch{}
				stretches[t] = s
			}
			s.count += j - i
		}
		total += ch.len()
	}
	types := make([]string, 0, len(stretches))
	for t := range stretches {
		types = append(types, string(t))
	}
	sort.Strings(types)
	at := 0
	for _, t := range types {
		s := stretches[sluice.ResourceType(t)]
		s.next = at
		at += s.count
	}
	var places [][]int32
	var all []int32
	if placed {
		places, all = make([][]int32, len(chunks)), make([]int32, total)
	}
	out := make([]sluice.Resource, total)
	for c, ch := range chunks {
		n := ch.len()
		if placed {
			places[c], all = all[:n:n], all[n:]
		}
		for i, j := 0, 0; i < n; i = j {
			j = runEnd(ch, i)
			s := stretches[ch.typ(i)]
			for k := i; k < j; k++ {
				out[s.next] = ch.resource(k)
				if k == i && s.next > 0 && !s.unsorted && out[s.next-1].Type == out[s.next].Type && byID(out[s.next-1], out[s.next]) > 0 {
					s.unsorted = true
				}
				if placed {
					places[c][k] = int32(s.next)
				}
				s.next++
			}
		}
	}
	for _, s := range stretches {
		if s.unsorted {
			slices.SortFunc(out[s.next-s.count:s.next], byID)
			places = nil
		}
	}
	return out, places
}

// runEnd returns the end of the run of resources of ch's i-th one's
// type that starts at i.
func runEnd(ch cacheEntry, i int) int {
	j, t := i+1, ch.typ(i)
	for j < ch.len() && ch.typ(j) == t {
		j++
	}
	return j
}

func (c *compiler) index() {
	c.docs = make(map[string]map[string]*dsl.Document)
	for _, d := range c.in.Documents {
		if d == nil || d.Kind == dsl.KindProject {
			continue
		}
		byName := c.docs[d.Kind]
		if byName == nil {
			byName = make(map[string]*dsl.Document)
			c.docs[d.Kind] = byName
		}
		if _, dup := byName[d.Name]; !dup {
			byName[d.Name] = d
		}
	}
}

func (c *compiler) document(d *dsl.Document) {
	switch d.Kind {
	case dsl.KindArtifactStore:
		c.bucket(d)
	case dsl.KindComputeEnvironment:
		c.computeEnvironment(d)
	case dsl.KindMetadataStore:
		c.dbInstance(d)
	case dsl.KindPipeline:
		c.pipeline(d)
	}
}

// fail records an error diagnostic about document d.
func (c *compiler) fail(d *dsl.Document, pos sluice.Position, code, format string, args ...any) {
	diag := sluice.Errorf(pos, code, format, args...)
	diag.Document, diag.Env = d.ID(), c.in.Env
	c.diags = append(c.diags, diag)
}

// decode reads d's spec as merged for the environment into out.
func (c *compiler) decode(d *dsl.Document, out any) bool {
	if err := dsl.Decode(d.Merged(c.in.Env)["spec"], out); err != nil {
		c.fail(d, d.LocateIn(c.in.Env, false, "spec"), "compile.decode", "cannot read the spec of %s: %v", d.ID(), err)
		return false
	}
	return true
}

// draft is a resource before its spec is encoded and hashed.
type draft struct {
	typ    sluice.ResourceType
	name   string // logical name: the ID is typ/name
	phys   string
	doc    *dsl.Document
	deps   []sluice.ResourceID
	retain bool
	tags   map[string]string // user tags; ownership tags are added
	spec   any
	notes  []sluice.Note // fields left out that Sluice leaves as they are
}

func resourceID(t sluice.ResourceType, name string) sluice.ResourceID {
	return sluice.ResourceID(string(t) + "/" + name)
}

// emit encodes a draft's spec canonically, hashes it with the revision
// masked, then puts the revision in and records the resource (without
// spec or hash when only findings are wanted).
func (c *compiler) emit(d draft) {
	id := resourceID(d.typ, d.name)
	var hash string
	var spec []byte
	var tags map[string]string
	if !c.in.FindingsOnly {
		c.buf = writeJSON(c.buf[:0], d.spec)
		hash = specHash(d.phys, c.buf, d.tags)
		if !c.in.Cache.withoutSpecs() {
			spec = bytes.ReplaceAll(c.buf, []byte(revisionSentinel), c.revisionJSON())
			tags = c.tags(d.tags, id, hash)
		}
	}
	deletion := sluice.DeletionDelete
	if d.retain {
		deletion = sluice.DeletionRetain
	}
	sort.Slice(d.deps, func(i, j int) bool { return d.deps[i] < d.deps[j] })
	if c.srcDoc != d.doc {
		c.srcDoc, c.srcID = d.doc, d.doc.ID()
	}
	c.out = append(c.out, sluice.Resource{ID: id, Type: d.typ, Name: d.phys, Source: c.srcID,
		File: d.doc.File, DependsOn: dedupeIDs(d.deps), Deletion: deletion, Tags: tags, Spec: spec, Hash: hash, Notes: d.notes})
}

// tags returns a resource's tags: its user tags and the ownership tags.
func (c *compiler) tags(user map[string]string, id sluice.ResourceID, hash string) map[string]string {
	tags := make(map[string]string, len(user)+5)
	for k, v := range user {
		tags[k] = v
	}
	tags[sluice.TagManagedBy] = sluice.ManagedByValue
	tags[sluice.TagProject] = c.project
	tags[sluice.TagEnvironment] = c.in.Env
	tags[sluice.TagResource] = string(id)
	tags[sluice.TagSpecHash] = hash
	return tags
}

// specHash is the hex SHA-256 of what decides whether a resource must
// change: its physical name, its spec and its user tags.
func specHash(name string, spec []byte, tags map[string]string) string {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(spec)
	for _, k := range sortedKeys(tags) {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{'='})
		h.Write([]byte(tags[k]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// revisionGrowth is how many bytes longer b, written with the revision's
// sentinel in it, is once the revision stands there (negative for a
// revision shorter than the sentinel): what a size AWS limits must add,
// every spec going out with the revision in.
func (c *compiler) revisionGrowth(b []byte) int {
	n := bytes.Count(b, []byte(revisionSentinel))
	if n == 0 {
		return 0
	}
	return n * (len(c.revisionJSON()) - len(revisionSentinel))
}

// revisionJSON is the revision as it appears inside a JSON string.
func (c *compiler) revisionJSON() []byte {
	b := writeString(nil, c.in.Revision)
	return b[1 : len(b)-1]
}

func dedupeIDs(ids []sluice.ResourceID) []sluice.ResourceID {
	if len(ids) == 0 {
		return nil
	}
	out := ids[:1]
	for _, id := range ids[1:] {
		if id != out[len(out)-1] {
			out = append(out, id)
		}
	}
	return out
}

// physical is the project- and environment-qualified name of a resource.
func (c *compiler) physical(r nameRule, name string) string {
	return physicalName(r, c.project, c.in.Env, name)
}
