package graph

import "sort"

// The layout of drawings: every scope (the main flow, a split branch, a
// foreach body) is laid out on its own as a layered graph whose items
// are its steps, the boxes of the scopes its steps open (a box stands
// between the opening step and its join), a diamond per switch, and the
// start and end markers of the main flow. Layers by longest path, long
// edges cut by dummy items, the order in each layer by barycentre
// sweeps, x by the mean of each item's neighbours without overlap
// (Sugiyama's method, simplified). A box's size is its inner layout's.

// Geometry, in SVG user units.
const (
	layerGap = 34.0 // vertical space between layers
	itemGap  = 26.0 // horizontal space between items of a layer
	boxPad   = 14.0 // padding inside a branch or body box
	boxTitle = 18.0 // height of a box's title line
	dummyW   = 6.0  // width of the lane a long edge takes through a layer
	sweeps   = 6    // barycentre sweeps (down and up) per scope
)

type itemKind int

const (
	itemStep itemKind = iota
	itemBox
	itemStart
	itemEnd
	itemDecision
	itemDummy
	// itemExit is where the paths that leave a branch or body for its
	// join meet, at the bottom of its box.
	itemExit
)

// item is one thing placed in a scope's layout.
type item struct {
	kind  itemKind
	node  *Node        // the step (itemStep) or the switch step (itemDecision)
	scope *Scope       // itemBox: the scope drawn inside
	inner *scopeLayout // itemBox: its layout
	lines []textLine   // itemStep: the text it shows
	w, h  float64
	layer int
	x, y  float64 // top-left, relative to the scope's origin
	ax    float64 // absolute top-left, once placed
	ay    float64
	in    []*item
	out   []*item
}

// scopeLayout is one scope laid out.
type scopeLayout struct {
	items  []*item
	layers [][]*item
	// routes lists, for an edge between two items that spans layers,
	// the dummy items it passes through, top to bottom.
	routes map[[2]*item][]*item
	w, h   float64
}

// layout lays out g: the main flow's layout, with every nested scope's
// inside its box, and the items by step, by switch step (decisions) and
// the start and end markers, for drawing edges.
type layout struct {
	root      *scopeLayout
	steps     map[*Node]*item
	decisions map[*Node]*item
	start     *item
	end       *item
	boxes     []*item
	// routes holds every scope's routes (items are unique to a scope).
	routes map[[2]*item][]*item
	// exits holds each branch's or body's exit.
	exits map[*Scope]*item
	opts  SVGOptions
}

// scope builds and lays out the items of s.
func (lo *layout) scope(g *Graph, s *Scope) *scopeLayout {
	l := &scopeLayout{routes: map[[2]*item][]*item{}}
	add := func(it *item) *item { l.items = append(l.items, it); return it }
	if s.Kind == ScopeRoot {
		lo.start = add(&item{kind: itemStart, w: 26, h: 26})
	}
	var boxes []*item
	for _, n := range s.Steps {
		lo.steps[n] = add(stepItem(g, n, lo.opts))
		if n.Switch != nil {
			w := float64(len([]rune(n.Switch.On)))*charWidth(10, false) + 40
			lo.decisions[n] = add(&item{kind: itemDecision, node: n, w: round1(w), h: 30})
		}
		for _, c := range opened(n) {
			inner := lo.scope(g, c)
			w := max(inner.w+2*boxPad, float64(len([]rune(boxTitleText(c))))*charWidth(11, true)+20)
			box := add(&item{kind: itemBox, scope: c, inner: inner, w: round1(w), h: inner.h + 2*boxPad + boxTitle})
			boxes = append(boxes, box)
			lo.boxes = append(lo.boxes, box)
		}
	}
	if s.Kind == ScopeRoot {
		lo.end = add(&item{kind: itemEnd, w: 26, h: 26})
	} else if s.Join != nil {
		lo.exits[s] = add(&item{kind: itemExit, w: dummyW})
	}
	lo.link(s, boxes)
	l.arrange()
	for k, v := range l.routes {
		lo.routes[k] = v
	}
	return l
}

// link adds the scope's edges: jumps between its own items, each
// opening step to its boxes and each box to its join.
func (lo *layout) link(s *Scope, boxes []*item) {
	if s.Kind == ScopeRoot {
		connect(lo.start, lo.steps[s.Start])
	}
	for _, n := range s.Steps {
		from := lo.steps[n]
		if d := lo.decisions[n]; d != nil {
			connect(from, d)
		}
		for _, e := range n.out {
			if !e.jumps() || e.kind == edgeJoin {
				continue
			}
			src := from
			if e.kind == edgeCase || e.kind == edgeDefault {
				src = lo.decisions[n]
			}
			switch {
			case e.to.Scope == s:
				connect(src, lo.steps[e.to])
			case e.to == s.Join:
				connect(src, lo.exits[s])
			}
		}
		if n.Ends() && s.Kind == ScopeRoot {
			connect(from, lo.end)
		}
	}
	for _, b := range boxes {
		connect(lo.steps[b.scope.Owner], b)
		if j := b.scope.Join; j != nil && j.Scope == s {
			connect(b, lo.steps[j])
		}
	}
}

// connect adds the edge a → b once.
func connect(a, b *item) {
	if a == nil || b == nil {
		return
	}
	for _, o := range a.out {
		if o == b {
			return
		}
	}
	a.out = append(a.out, b)
	b.in = append(b.in, a)
}

// arrange layers, orders and places the scope's items and sets its size.
func (l *scopeLayout) arrange() {
	l.rank()
	l.cutLongEdges()
	l.order()
	l.place()
}

// rank puts each item on the layer after its furthest predecessor
// (longest path). The scope's edges form no cycle (Build checks jumps;
// boxes follow their owner and precede its join); an item left over by
// a cycle all the same goes below the others rather than fail.
func (l *scopeLayout) rank() {
	indeg := map[*item]int{}
	for _, it := range l.items {
		indeg[it] = len(it.in)
	}
	var queue []*item
	for _, it := range l.items {
		if indeg[it] == 0 {
			queue = append(queue, it)
		}
	}
	done, deepest := 0, 0
	for ; len(queue) > 0; done++ {
		it := queue[0]
		queue = queue[1:]
		deepest = max(deepest, it.layer)
		for _, o := range it.out {
			o.layer = max(o.layer, it.layer+1)
			if indeg[o]--; indeg[o] == 0 {
				queue = append(queue, o)
			}
		}
	}
	if done < len(l.items) {
		for _, it := range l.items {
			if indeg[it] > 0 {
				deepest++
				it.layer = deepest
			}
		}
	}
}

// cutLongEdges replaces every edge that spans more than one layer by a
// chain through dummy items, one per layer crossed.
func (l *scopeLayout) cutLongEdges() {
	for _, a := range append([]*item(nil), l.items...) {
		for i, b := range a.out {
			if b.layer-a.layer <= 1 {
				continue
			}
			prev := a
			var chain []*item
			for layer := a.layer + 1; layer < b.layer; layer++ {
				d := &item{kind: itemDummy, w: dummyW, layer: layer, in: []*item{prev}}
				if prev == a {
					a.out[i] = d
				} else {
					prev.out = []*item{d}
				}
				l.items = append(l.items, d)
				chain = append(chain, d)
				prev = d
			}
			prev.out = []*item{b}
			for j, p := range b.in {
				if p == a {
					b.in[j] = prev
				}
			}
			l.routes[[2]*item{a, b}] = chain
		}
	}
	n := 0
	for _, it := range l.items {
		n = max(n, it.layer+1)
	}
	l.layers = make([][]*item, n)
	for _, it := range l.items {
		l.layers[it.layer] = append(l.layers[it.layer], it)
	}
}

// order sorts each layer by the mean position of the items' neighbours
// on the layer above (sweeping down) or below (sweeping up), keeping
// the declaration order among equals.
func (l *scopeLayout) order() {
	for i := range sweeps {
		down := i%2 == 0
		for k := range l.layers {
			layer := k
			if !down {
				layer = len(l.layers) - 1 - k
			}
			l.sortLayer(layer, down)
		}
	}
}

func (l *scopeLayout) sortLayer(layer int, down bool) {
	items := l.layers[layer]
	key := make(map[*item]float64, len(items))
	for i, it := range items {
		nb := it.out
		if down {
			nb = it.in
		}
		key[it] = float64(i)
		if len(nb) > 0 {
			key[it] = l.meanIndex(nb)
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return key[items[i]] < key[items[j]] })
}

// meanIndex is the mean index of items within their own layers.
func (l *scopeLayout) meanIndex(items []*item) float64 {
	sum := 0.0
	for _, it := range items {
		for i, o := range l.layers[it.layer] {
			if o == it {
				sum += float64(i)
				break
			}
		}
	}
	return sum / float64(len(items))
}

// opened returns the scopes step n opens: its split's branches or its
// foreach's body.
func opened(n *Node) []*Scope {
	switch {
	case n.Split != nil:
		return n.Split.Branches
	case n.Foreach != nil && n.Foreach.Body != nil:
		return []*Scope{n.Foreach.Body}
	}
	return nil
}
