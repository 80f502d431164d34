package asl

import "slices"

// parseRetryCatch reads Retry and Catch, with the defaults the
// specification gives (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2).
func parseRetryCatch(f *fields, st *state) {
	for i, v := range f.array("Retry") {
		r := &fields{m: asObject(f, "Retry", v), where: f.where}
		if r.m == nil {
			return
		}
		st.retry = append(st.retry, parseRetrier(r))
		checkAll(r, "Retry", st.retry[i].errors, i == len(f.array("Retry"))-1)
		keep(f, r)
	}
	for i, v := range f.array("Catch") {
		c := &fields{m: asObject(f, "Catch", v), where: f.where}
		if c.m == nil {
			return
		}
		st.catch = append(st.catch, catcher{errors: c.strings("ErrorEquals"), next: c.str("Next", true),
			resultPath: c.optPath("ResultPath")})
		checkAll(c, "Catch", st.catch[i].errors, i == len(f.array("Catch"))-1)
		keep(f, c)
	}
}

func parseRetrier(r *fields) retrier {
	rt := retrier{errors: r.strings("ErrorEquals"), interval: 1, backoff: 2, maxAttempts: r.intField("MaxAttempts", 3)}
	if n, ok := r.num("IntervalSeconds"); ok {
		rt.interval = n
	}
	if n, ok := r.num("BackoffRate"); ok {
		rt.backoff = n
	}
	rt.maxDelay, _ = r.num("MaxDelaySeconds")
	switch js := r.str("JitterStrategy", false); js {
	case "FULL":
		rt.fullJitter = true
	case "", "NONE":
	default:
		r.fail("JitterStrategy", "must be FULL or NONE, not %s", quote(js))
	}
	if rt.backoff < 1 {
		r.fail("BackoffRate", "must be at least 1")
	}
	return rt
}

// checkAll checks ErrorEquals is not empty and that States.ALL appears
// only alone, in the last retrier or catcher.
func checkAll(f *fields, field string, errs []string, last bool) {
	switch {
	case len(errs) == 0:
		f.fail(field, "ErrorEquals must name at least one error")
	case slices.Contains(errs, ErrAll) && (len(errs) > 1 || !last):
		f.fail(field, "States.ALL must be alone in ErrorEquals and in the last entry")
	}
}

func asObject(f *fields, field string, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		f.fail(field, "entries must be objects")
	}
	return m
}

// keep moves a nested reader's error to its parent.
func keep(parent, child *fields) {
	if parent.err == nil && child.err != nil {
		parent.err = child.err
	}
}

// parseMap reads a Map state, inline or distributed: the items (ItemsPath
// or ItemReader), what each iteration gets (ItemSelector, or Parameters
// in the older form), the processor (ItemProcessor, or Iterator), and
// concurrency, batching, tolerance and result writing.
func parseMap(f *fields, st *state) error {
	st.selector = f.template("ResultSelector")
	parseRetryCatch(f, st)
	ms := &mapSpec{itemsPath: f.path("ItemsPath", true), maxConcurrency: f.intField("MaxConcurrency", 0), toleratedCount: -1}
	ms.itemSelector = f.template("ItemSelector")
	if ms.itemSelector == nil {
		ms.itemSelector, st.parameters = st.parameters, nil
	}
	parseMapExtras(f, ms)
	proc := f.object("ItemProcessor")
	if proc == nil {
		proc = f.object("Iterator")
	}
	if f.err == nil && proc == nil {
		f.fail("ItemProcessor", "a Map state needs an ItemProcessor (or Iterator)")
	}
	if f.err != nil {
		return nil
	}
	sc, err := parseScope(proc, st.where)
	if err != nil {
		return err
	}
	pf := &fields{m: proc, where: st.where}
	if cfg := pf.object("ProcessorConfig"); cfg != nil {
		sc.mode = (&fields{m: cfg}).str("Mode", false)
	}
	ms.processor, st.mapSpec = sc, ms
	return nil
}

func parseMapExtras(f *fields, ms *mapSpec) {
	if r := f.object("ItemReader"); r != nil {
		rf := &fields{m: r, where: f.where}
		ms.reader = &itemReader{resource: rf.str("Resource", true), params: rf.template("Parameters")}
		if cfg := rf.object("ReaderConfig"); cfg != nil {
			ms.reader.format = (&fields{m: cfg}).str("InputType", false)
		}
		keep(f, rf)
	}
	if w := f.object("ResultWriter"); w != nil {
		wf := &fields{m: w, where: f.where}
		ms.writer = &resultWriter{params: wf.template("Parameters")}
		keep(f, wf)
	}
	if b := f.object("ItemBatcher"); b != nil {
		bf := &fields{m: b, where: f.where}
		ms.batcher = &itemBatcher{maxItems: bf.intField("MaxItemsPerBatch", 0), batchInput: bf.template("BatchInput")}
		keep(f, bf)
	}
	if f.has("ToleratedFailureCount") {
		ms.toleratedCount, ms.hasTolerance = f.intField("ToleratedFailureCount", 0), true
	}
	if pct, ok := f.num("ToleratedFailurePercentage"); ok {
		ms.toleratedPct, ms.hasTolerance = pct, true
		if pct > 100 {
			f.fail("ToleratedFailurePercentage", "must be between 0 and 100")
		}
	}
	if ms.hasTolerance && !f.has("ToleratedFailurePercentage") {
		ms.toleratedPct = 100
	}
}
