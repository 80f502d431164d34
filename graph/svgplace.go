package graph

// place gives every item of the scope its coordinates: layers stacked
// top to bottom, each as tall as its tallest item; in each layer, items
// in their order, each as close to the mean centre of its neighbours as
// the gaps allow. Passes alternate between neighbours above and below.
func (l *scopeLayout) place() {
	y := 0.0
	for _, layer := range l.layers {
		h := 0.0
		for _, it := range layer {
			h = max(h, it.h)
		}
		for _, it := range layer {
			it.y = y
			if it.kind == itemDummy {
				it.h = h
			}
		}
		y += h + layerGap
	}
	l.h = max(0, y-layerGap)
	for _, layer := range l.layers {
		spread(layer, nil)
	}
	for pass := range 4 {
		for k := range l.layers {
			layer := k
			if pass%2 == 1 {
				layer = len(l.layers) - 1 - k
			}
			items := l.layers[layer]
			want := make([]float64, len(items))
			for i, it := range items {
				nb := it.in
				if pass%2 == 1 {
					nb = it.out
				}
				want[i] = meanCentre(it, nb)
			}
			spread(items, want)
		}
	}
	l.normalise()
}

// meanCentre is the mean horizontal centre of nb, or it's own centre when
// nb is empty.
func meanCentre(it *item, nb []*item) float64 {
	if len(nb) == 0 {
		return it.x + it.w/2
	}
	sum := 0.0
	for _, o := range nb {
		sum += o.x + o.w/2
	}
	return sum / float64(len(nb))
}

// spread places the items of a layer in order, each centred on want[i]
// where the gaps allow: the mean of the placement packed from the left
// and the one packed from the right, both of which keep the gaps. A nil
// want packs them side by side.
func spread(items []*item, want []float64) {
	n := len(items)
	if want == nil {
		x := 0.0
		for _, it := range items {
			it.x = x
			x += it.w + itemGap
		}
		return
	}
	left := make([]float64, n)
	for i, it := range items {
		left[i] = want[i] - it.w/2
		if i > 0 {
			left[i] = max(left[i], left[i-1]+items[i-1].w+itemGap)
		}
	}
	right := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		right[i] = want[i] - items[i].w/2
		if i < n-1 {
			right[i] = min(right[i], right[i+1]-items[i].w-itemGap)
		}
	}
	for i, it := range items {
		it.x = (left[i] + right[i]) / 2
	}
}

// normalise shifts the items so the leftmost starts at 0 and sets the
// scope's width.
func (l *scopeLayout) normalise() {
	if len(l.items) == 0 {
		return
	}
	lo, hi := l.items[0].x, l.items[0].x+l.items[0].w
	for _, it := range l.items {
		lo = min(lo, it.x)
		hi = max(hi, it.x+it.w)
	}
	for _, it := range l.items {
		it.x -= lo
	}
	l.w = hi - lo
}

// settle gives every item of l and of the scopes inside it its absolute
// position, l's origin being at (ox, oy).
func (l *scopeLayout) settle(ox, oy float64) {
	for _, it := range l.items {
		it.ax, it.ay = ox+it.x, oy+it.y
		if it.inner != nil {
			it.inner.settle(it.ax+(it.w-it.inner.w)/2, it.ay+boxTitle+boxPad)
		}
	}
}
