package dsl

import (
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice"
)

// Document is one Sluice document of a file: its identity, its content as
// plain values, and the YAML node tree to locate any part of it. The tree
// is kept from the parse when yaml.v3 read the file; when the fast reader
// read it (readFast), or once the tree is released (ReleaseTree), it is
// built from the file's source, once, the first time a position is asked
// for. Its content (plain values, typed specs) may be
// released too (Release) once it has been compiled: it is then read again
// from the source the first time it is asked for.
type Document struct {
	File       string
	APIVersion string
	Kind       string
	Name       string
	// Index is the document's place in its file, from 0.
	Index int
	// content is what the document says; nil once released.
	content atomic.Pointer[content]
	// node is the document's root node; nil once released.
	node atomic.Pointer[yaml.Node]
	// src is the file's source and srcIndex the document's place among
	// its non-empty documents, to build node and content again.
	src      *source
	srcIndex int
	// overrideEnvs are the keys under environments, sorted, and
	// overridden those whose override is a mapping: what merging needs to
	// know without reading the content.
	overrideEnvs []string
	overridden   map[string]bool
	// pinned is set when the content was changed in memory (a template
	// expanded): it cannot be read again from the source, so it is kept.
	pinned atomic.Bool
}

// content is a document's plain values and what is derived from them.
type content struct {
	value map[string]any
	typed typedCache

	overridesOnce sync.Once
	overrides     map[string]map[string]any
}

// ID returns the document's identity, "Kind/name".
func (d *Document) ID() string { return d.Kind + "/" + d.Name }

// Pos returns the position of the document's first key.
func (d *Document) Pos() sluice.Position { return nodePos(d.File, d.root()) }

// source is a file's content, shared by its documents, and the alias
// budget it was read with.
type source struct {
	mu     sync.Mutex
	data   []byte
	budget int
}

// Value returns the whole document as plain values. The map is shared:
// callers must not modify it (SetSpec replaces the spec).
func (d *Document) Value() map[string]any { return d.read().value }

// read returns the document's content, reading it again from the source
// when it was released.
func (d *Document) read() *content {
	if c := d.content.Load(); c != nil {
		return c
	}
	if d.src == nil {
		c := &content{value: map[string]any{}}
		d.content.CompareAndSwap(nil, c)
		return d.content.Load()
	}
	d.src.mu.Lock()
	defer d.src.mu.Unlock()
	if c := d.content.Load(); c != nil {
		return c
	}
	c := &content{}
	if values, ok := readFast(d.src.data); ok {
		if d.srcIndex < len(values) {
			c.value = values[d.srcIndex]
		}
	} else if nodes, diag := splitDocuments(d.File, d.src.data); diag == nil && d.srcIndex < len(nodes) {
		budget := d.src.budget
		conv := converter{path: d.File, budget: &budget}
		c.value, _ = conv.value(nodes[d.srcIndex].Content[0], false).(map[string]any)
	}
	// The source was read once; it cannot fail now. Should it, the
	// document reads as empty and fails its checks.
	if c.value == nil {
		c.value = map[string]any{}
	}
	d.content.Store(c)
	return c
}

// Release drops the document's content (plain values, typed specs,
// overrides) and node tree, which are read again from the file's source
// the first time they are asked for: a daemon keeps only what it needs
// between reconciles. A document whose content was changed in memory
// (SetSpec) keeps it. Release is safe while other goroutines read the
// document: they go on with what they hold.
func (d *Document) Release() {
	if d.src == nil || d.pinned.Load() {
		return
	}
	d.content.Store(nil)
	d.node.Store(nil)
}

// InMemory reports whether the document's content is held (not released,
// or read again since).
func (d *Document) InMemory() bool { return d.content.Load() != nil }

// SetSpec replaces the document's spec (a template expanded into it). The
// document's content is then kept: Release no longer drops it. It must
// be called before the document is shared.
func (d *Document) SetSpec(spec any) {
	d.pinned.Store(true)
	c := d.read()
	c.value["spec"] = spec
}

// ReleaseTree drops the document's YAML node tree, most of the memory a
// loaded document holds; its positions are found again by parsing the
// file's source, once, when one is next asked for.
func (d *Document) ReleaseTree() {
	if d.src != nil {
		d.node.Store(nil)
	}
}

// root returns the document's root node, parsing the source again when
// the tree was released.
func (d *Document) root() *yaml.Node {
	if n := d.node.Load(); n != nil {
		return n
	}
	if d.src == nil {
		return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}
	}
	d.src.mu.Lock()
	defer d.src.mu.Unlock()
	if n := d.node.Load(); n != nil {
		return n
	}
	nodes, diag := splitDocuments(d.File, d.src.data)
	if diag != nil || d.srcIndex >= len(nodes) {
		// The source parsed once; it cannot fail now. Should it, the
		// document's positions fall back to its file's first line.
		return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}
	}
	n := nodes[d.srcIndex].Content[0]
	d.node.Store(n)
	return n
}

// Spec returns the document's spec as plain values, nil when absent.
func (d *Document) Spec() map[string]any {
	m, _ := d.Value()["spec"].(map[string]any)
	return m
}

// Overrides returns the per-environment overrides, keyed by environment.
// The map is made once and shared: callers must not modify it.
func (d *Document) Overrides() map[string]map[string]any { return d.read().overridesByEnv() }

func (c *content) overridesByEnv() map[string]map[string]any {
	c.overridesOnce.Do(func() { c.overrides = readOverrides(c.value) })
	return c.overrides
}

// HasOverride reports whether the document overrides env with a mapping,
// without reading its content.
func (d *Document) HasOverride(env string) bool { return d.overridden[env] }

func readOverrides(value map[string]any) map[string]map[string]any {
	raw, _ := value["environments"].(map[string]any)
	if len(raw) == 0 {
		return nil
	}
	out := make(map[string]map[string]any, len(raw))
	for env, v := range raw {
		if m, ok := v.(map[string]any); ok {
			out[env] = m
		}
	}
	return out
}

// OverrideEnvs returns the environments the document overrides, sorted.
// The slice is shared: callers must not modify it.
func (d *Document) OverrideEnvs() []string { return d.overrideEnvs }

// readOverrideEnvs records which environments the document names under
// environments, so that merging can be planned without its content.
func (d *Document) readOverrideEnvs(value map[string]any) {
	raw, _ := value["environments"].(map[string]any)
	if len(raw) == 0 {
		return
	}
	d.overrideEnvs = make([]string, 0, len(raw))
	d.overridden = make(map[string]bool, len(raw))
	for env, v := range raw {
		d.overrideEnvs = append(d.overrideEnvs, env)
		if _, ok := v.(map[string]any); ok {
			d.overridden[env] = true
		}
	}
	sort.Strings(d.overrideEnvs)
}

// newDocument reads the identity of one document node. A document whose
// apiVersion or kind Sluice does not know is reported and dropped; the rest
// is left for the schema to judge.
func newDocument(path string, n *yaml.Node, budget *int, src *source, index int) (*Document, sluice.Diagnostics) {
	root := n.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, sluice.Diagnostics{sluice.Errorf(nodePos(path, root), "document.not-mapping",
			"a document must be a mapping with apiVersion, kind, metadata and spec, not %s", describeNode(root))}
	}
	c := converter{path: path, budget: budget}
	value, _ := c.value(root, false).(map[string]any)
	if len(c.diags) > 0 {
		return nil, c.diags
	}
	d := &Document{File: path, src: src, srcIndex: index}
	d.node.Store(root)
	return d.identified(value)
}

// documentOf makes the document of value, read by the fast reader: its
// node tree is built from the source only when a position is asked for.
func documentOf(path string, value map[string]any, src *source, index int) (*Document, sluice.Diagnostics) {
	d := &Document{File: path, src: src, srcIndex: index}
	return d.identified(value)
}

// identified stores the document's content and reads its identity.
func (d *Document) identified(value map[string]any) (*Document, sluice.Diagnostics) {
	d.content.Store(&content{value: value})
	d.readOverrideEnvs(value)
	if diag := d.identify(); diag != nil {
		return nil, sluice.Diagnostics{*diag}
	}
	return d, nil
}

func (d *Document) identify() *sluice.Diagnostic {
	value := d.Value()
	av, ok := value["apiVersion"].(string)
	if !ok {
		diag := sluice.Errorf(d.Locate("apiVersion"), "document.api-version",
			"document needs apiVersion: %s", APIVersion)
		return &diag
	}
	if av != APIVersion {
		diag := sluice.Errorf(d.Locate("apiVersion"), "document.api-version",
			"unknown apiVersion %q; this version of Sluice reads %s", av, APIVersion)
		return &diag
	}
	kind, ok := value["kind"].(string)
	if !ok {
		diag := sluice.Errorf(d.Locate("kind"), "document.kind",
			"document needs a kind, one of %s", joinOr(Kinds()))
		return &diag
	}
	if !isKind(kind) {
		diag := sluice.Errorf(d.Locate("kind"), "document.kind",
			"unknown kind %q%s; known kinds are %s", kind, DidYouMean(kind, Kinds()), joinOr(Kinds()))
		return &diag
	}
	d.APIVersion, d.Kind = av, kind
	if meta, ok := value["metadata"].(map[string]any); ok {
		d.Name, _ = meta["name"].(string)
	}
	return nil
}

func isKind(k string) bool {
	for _, known := range Kinds() {
		if k == known {
			return true
		}
	}
	return false
}

// Locate returns the position of the value at path (keys and list indexes
// from the document root). When the path leads nowhere it returns the
// position of the deepest node that exists.
func (d *Document) Locate(path ...string) sluice.Position {
	_, v := d.walk(path)
	return nodePos(d.File, v)
}

// LocateKey returns the position of the key of the last element of path,
// or of its value when the last element is a list index. Unknown-field
// errors point here.
func (d *Document) LocateKey(path ...string) sluice.Position {
	k, v := d.walk(path)
	if k != nil {
		return nodePos(d.File, k)
	}
	return nodePos(d.File, v)
}

// KeyTag returns the YAML tag of the key of the last element of path as
// written ("!!str", "!!int", "!!float", "!!bool"...), telling whether a
// key such as 1 or true was written as a number, a boolean or a string;
// "" when the path leads nowhere or ends in a list index.
func (d *Document) KeyTag(path ...string) string {
	if !d.Has(path...) {
		return ""
	}
	k, _ := d.walk(path)
	if k == nil {
		return ""
	}
	return k.ShortTag()
}

// Has reports whether the path exists in the document as written.
func (d *Document) Has(path ...string) bool {
	n := d.root()
	for _, seg := range path {
		_, child := step(n, seg)
		if child == nil {
			return false
		}
		n = child
	}
	return true
}

func (d *Document) walk(path []string) (key, value *yaml.Node) {
	n := d.root()
	for _, seg := range path {
		k, child := step(n, seg)
		if child == nil {
			return nil, n
		}
		key, n = k, child
	}
	return key, n
}

// step follows one path element from n: a key in a mapping (merge keys
// included) or an index in a list.
func step(n *yaml.Node, seg string) (key, value *yaml.Node) {
	return stepVisiting(n, seg, make(map[*yaml.Node]bool))
}

// stepVisiting is step, remembering the mappings already searched so a
// mapping that merges itself is searched once.
func stepVisiting(n *yaml.Node, seg string, seen map[*yaml.Node]bool) (key, value *yaml.Node) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if seen[n] {
		return nil, nil
	}
	seen[n] = true
	switch n.Kind {
	case yaml.MappingNode:
		var merged []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.ShortTag() == "!!merge" {
				merged = append(merged, n.Content[i+1])
			} else if k.Value == seg {
				return k, n.Content[i+1]
			}
		}
		for _, m := range merged {
			if k, v := stepVisiting(m, seg, seen); v != nil {
				return k, v
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(seg)
		if err == nil && i >= 0 && i < len(n.Content) {
			return nil, n.Content[i]
		}
	}
	return nil, nil
}
