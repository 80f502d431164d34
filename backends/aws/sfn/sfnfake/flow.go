package sfnfake

// mapState plays a Map state. An inline map runs its iterations as
// concurrent branches whose events interleave, as AWS records them; a
// distributed map records only its map run, since its iterations are
// child executions with histories of their own.
func (p *script) mapState(name string, st stateSpec, prev *event) ([]*event, *failure) {
	n := max(p.out.items(name), 0)
	in := newEvent("MapStateEntered", prev, "stateEnteredEventDetails", entered(name))
	started := newEvent("MapStateStarted", in, "mapStateStartedEventDetails", map[string]any{"length": n})
	evs := []*event{in, started}
	body, distributed := p.processor(st)
	if distributed {
		run := newEvent("MapRunStarted", started, "mapRunStartedEventDetails", map[string]any{"mapRunArn": p.mapRun(name)})
		done := newEvent("MapRunSucceeded", run, "", nil)
		evs = append(evs, run, done)
		return p.closeMap(name, evs, done, nil)
	}
	branches := make([][]*event, n)
	var failed *failure
	for i := range n {
		it := map[string]any{"name": name, "index": i}
		first := newEvent("MapIterationStarted", started, "mapIterationStartedEventDetails", it)
		run, f := p.run(body, first)
		last := first
		if len(run) > 0 {
			last = run[len(run)-1]
		}
		end := newEvent("MapIterationSucceeded", last, "mapIterationSucceededEventDetails", it)
		if f != nil {
			end.typ, end.key, failed = "MapIterationFailed", "mapIterationFailedEventDetails", f
		}
		branches[i] = append(append([]*event{first}, run...), end)
	}
	evs = append(evs, interleave(branches)...)
	return p.closeMap(name, evs, evs[len(evs)-1], failed)
}

// closeMap ends a Map state's events after last.
func (p *script) closeMap(name string, evs []*event, last *event, f *failure) ([]*event, *failure) {
	if f != nil {
		fe := newEvent("MapStateFailed", last, "", nil)
		return append(evs, fe), f
	}
	ok := newEvent("MapStateSucceeded", last, "", nil)
	return append(evs, ok, newEvent("MapStateExited", ok, "stateExitedEventDetails", exited(name))), nil
}

// processor returns a Map state's item processor and whether it runs
// distributed.
func (p *script) processor(st stateSpec) (scope, bool) {
	if st.ItemProcessor != nil {
		return st.ItemProcessor.scope, st.ItemProcessor.ProcessorConfig.Mode == "DISTRIBUTED"
	}
	if st.Iterator != nil {
		return *st.Iterator, false
	}
	return scope{}, false
}

// parallel plays a Parallel state, its branches interleaved.
func (p *script) parallel(name string, st stateSpec, prev *event) ([]*event, *failure) {
	in := newEvent("ParallelStateEntered", prev, "stateEnteredEventDetails", entered(name))
	started := newEvent("ParallelStateStarted", in, "", nil)
	branches := make([][]*event, len(st.Branches))
	var failed *failure
	for i, b := range st.Branches {
		run, f := p.run(b, started)
		branches[i] = run
		if f != nil && failed == nil {
			failed = f
		}
	}
	evs := append([]*event{in, started}, interleave(branches)...)
	last := evs[len(evs)-1]
	if failed != nil {
		return append(evs, newEvent("ParallelStateFailed", last, "", nil)), failed
	}
	ok := newEvent("ParallelStateSucceeded", last, "", nil)
	return append(evs, ok, newEvent("ParallelStateExited", ok, "stateExitedEventDetails", exited(name))), nil
}

// interleave merges concurrent branches one event from each in turn,
// keeping each branch's own order.
func interleave(branches [][]*event) []*event {
	var out []*event
	for i := 0; ; i++ {
		added := false
		for _, b := range branches {
			if i < len(b) {
				out, added = append(out, b[i]), true
			}
		}
		if !added {
			return out
		}
	}
}
