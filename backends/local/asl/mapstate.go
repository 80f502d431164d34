package asl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// Concurrency of a Map whose MaxConcurrency is 0 (unbounded in the
// specification): Step Functions runs at most 40 inline iterations at
// once, and a local machine gains nothing from more child executions
// than that many times over.
const (
	inlineConcurrency      = 40
	distributedConcurrency = 1000
)

// mapState runs the item processor once per item, at most
// MaxConcurrency at once, and returns the iterations' outputs in item
// order, or what the ResultWriter returns.
func (r *run) mapState(ctx context.Context, st *state, in any, sc *stateCtx, where string) (any, error) {
	ms := st.mapSpec
	items, err := r.mapItems(ctx, ms, in, sc)
	if err != nil {
		return nil, err
	}
	inputs, err := r.iterationInputs(ms, in, items, sc)
	if err != nil {
		return nil, err
	}
	results, err := r.iterate(ctx, st, inputs, where)
	if err != nil {
		return nil, err
	}
	if ms.writer == nil {
		return results, nil
	}
	return r.writeResults(ctx, ms, in, results, sc)
}

// mapItems reads the items from the ItemReader, or at ItemsPath.
func (r *run) mapItems(ctx context.Context, ms *mapSpec, in any, sc *stateCtx) ([]any, error) {
	if ms.reader != nil {
		return r.readItems(ctx, ms.reader, in, sc)
	}
	v := in
	if ms.itemsPath != nil {
		var ok bool
		if v, ok = ms.itemsPath.get(in); !ok {
			return nil, runtimeError("ItemsPath %q matches nothing in the state's data", ms.itemsPath.text)
		}
	}
	items, ok := v.([]any)
	if !ok {
		return nil, runtimeError("the Map's items are not an array")
	}
	return items, nil
}

func (r *run) readItems(ctx context.Context, ir *itemReader, in any, sc *stateCtx) ([]any, error) {
	params, err := evalOr(ir.params, &env{input: in, st: sc, run: r})
	if err != nil {
		return nil, err
	}
	if r.opts.Resources == nil {
		return nil, &Failure{Name: ErrItemReaderFailed, Cause: "no resources were given to the execution to read items from"}
	}
	format := ir.format
	if format == "" {
		format = "JSON"
	}
	raws, err := r.opts.Resources.ReadItems(ctx, ir.resource, r.encode(params), format)
	if err != nil {
		return nil, resourceError(ctx, err, ErrItemReaderFailed)
	}
	items := make([]any, len(raws))
	for i, raw := range raws {
		if items[i], err = decode(raw); err != nil {
			return nil, &Failure{Name: ErrItemReaderFailed, Cause: fmt.Sprintf("item %d is not JSON: %v", i, err)}
		}
	}
	return items, nil
}

// evalOr evaluates a template, or gives {} when there is none.
func evalOr(x expr, e *env) (any, error) {
	if x == nil {
		return map[string]any{}, nil
	}
	return x.eval(e)
}

// iterationInputs applies the ItemSelector to each item, with the item
// as $$.Map.Item, then groups the items into batches when there is an
// ItemBatcher.
func (r *run) iterationInputs(ms *mapSpec, in any, items []any, sc *stateCtx) ([]any, error) {
	out := make([]any, len(items))
	for i, item := range items {
		out[i] = item
		if ms.itemSelector == nil {
			continue
		}
		ic := &stateCtx{run: r, state: sc.state, entered: sc.entered, retries: sc.retries, child: sc.child,
			item: &mapItem{index: i, value: item}}
		v, err := ms.itemSelector.eval(&env{input: in, st: ic, run: r})
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	if ms.batcher == nil {
		return out, nil
	}
	return r.batch(ms.batcher, in, out, sc)
}

// batch groups items into {"Items": [...], "BatchInput": ...} objects of
// at most MaxItemsPerBatch items.
func (r *run) batch(b *itemBatcher, in any, items []any, sc *stateCtx) ([]any, error) {
	size := b.maxItems
	if size == 0 {
		size = len(items)
	}
	var batchInput any
	if b.batchInput != nil {
		var err error
		if batchInput, err = b.batchInput.eval(&env{input: in, st: sc, run: r}); err != nil {
			return nil, err
		}
	}
	var out []any
	for i := 0; i < len(items); i += max(size, 1) {
		one := map[string]any{"Items": items[i:min(i+size, len(items))]}
		if batchInput != nil {
			one["BatchInput"] = batchInput
		}
		out = append(out, one)
	}
	return out, nil
}

func (r *run) writeResults(ctx context.Context, ms *mapSpec, in any, results []any, sc *stateCtx) (any, error) {
	params, err := evalOr(ms.writer.params, &env{input: in, st: sc, run: r})
	if err != nil {
		return nil, err
	}
	if r.opts.Resources == nil {
		return nil, &Failure{Name: ErrResultWriterFailed, Cause: "no resources were given to the execution to write results to"}
	}
	raws := make([]json.RawMessage, len(results))
	for i, v := range results {
		raws[i] = r.encode(v)
	}
	out, err := r.opts.Resources.WriteResults(ctx, r.encode(params), raws)
	if err == nil {
		var v any
		if v, err = decode(out); err == nil {
			return v, nil
		}
	}
	return nil, resourceError(ctx, err, ErrResultWriterFailed)
}

// resourceError is what a failed ReadItems or WriteResults fails the Map
// with: ctx.Err() when ctx is done, the *Failure it returned, or the
// error as a failure with the given name.
func resourceError(ctx context.Context, err error, name string) error {
	var f *Failure
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &f):
		return f
	}
	return &Failure{Name: name, Cause: err.Error()}
}

// iterate runs the processor on every input with a pool of workers. A
// failed iteration fails the Map with its own error, cancelling the
// others; with a tolerated failure count or percentage, failures are
// counted (their results are their {"Error","Cause"}) and the Map fails
// with States.ExceedToleratedFailureThreshold once they are too many.
func (r *run) iterate(ctx context.Context, st *state, inputs []any, where string) ([]any, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	it := &iteration{r: r, st: st, where: where, results: make([]any, len(inputs)), inputs: inputs,
		stop: &firstError{cancel: cancel}}
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(concurrency(st), len(inputs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				it.run(ctx, i)
			}
		}()
	}
	feed(ctx, work, len(inputs))
	wg.Wait()
	if err := it.stop.get(); err != nil {
		return nil, err
	}
	return it.results, ctx.Err()
}

// feed hands out the indexes until they run out or ctx is done.
func feed(ctx context.Context, work chan<- int, n int) {
	defer close(work)
	for i := range n {
		select {
		case work <- i:
		case <-ctx.Done():
			return
		}
	}
}

func concurrency(st *state) int {
	n := st.mapSpec.maxConcurrency
	switch {
	case n > 0:
		return n
	case st.mapSpec.processor.mode == "DISTRIBUTED":
		return distributedConcurrency
	}
	return inlineConcurrency
}

// iteration is a Map's run over its inputs.
type iteration struct {
	r       *run
	st      *state
	where   string
	inputs  []any
	results []any
	stop    *firstError

	mu       sync.Mutex
	failures int
}

func (it *iteration) run(ctx context.Context, i int) {
	if ctx.Err() != nil {
		return
	}
	r, prefix := it.r, join(it.where, strconv.Itoa(i))
	r.emit(Event{Type: EventMapIterationStarted, State: it.st.name, Path: prefix, Input: r.encode(it.inputs[i])})
	if it.st.mapSpec.processor.mode == "DISTRIBUTED" {
		// A child execution: its name is made up here (Step Functions
		// names it after the Map Run); Sluice's states use $.run instead.
		ctx = withChild(ctx, &childExecution{name: r.name + "/" + prefix, input: it.inputs[i], start: r.opts.Clock()})
	}
	out, err := r.runScope(ctx, it.st.mapSpec.processor, it.inputs[i], prefix)
	if err == nil {
		r.emit(Event{Type: EventMapIterationSucceeded, State: it.st.name, Path: prefix, Output: r.encode(out)})
		it.results[i] = out
		return
	}
	var f *Failure
	if !errors.As(err, &f) {
		it.stop.set(err)
		return
	}
	r.emit(Event{Type: EventMapIterationFailed, State: it.st.name, Path: prefix, Error: f.Name, Cause: f.Cause})
	it.failed(i, f)
}

// failed counts a failed iteration against the Map's tolerance.
func (it *iteration) failed(i int, f *Failure) {
	ms := it.st.mapSpec
	if !ms.hasTolerance {
		it.stop.set(f)
		return
	}
	it.mu.Lock()
	it.failures++
	n := it.failures
	it.mu.Unlock()
	it.results[i] = map[string]any{"Error": f.Name, "Cause": f.Cause}
	total := len(it.inputs)
	if (ms.toleratedCount >= 0 && n > ms.toleratedCount) || float64(n)*100 > ms.toleratedPct*float64(total) {
		it.stop.set(&Failure{Name: ErrExceedToleratedFailureThreshold,
			Cause: fmt.Sprintf("%d of %d iterations failed, more than the Map tolerates; the last: %s", n, total, f.Error())})
	}
}
