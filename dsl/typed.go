package dsl

import "sync"

// typedCache holds a document's decoded specs per environment, so the
// checks and the compiler, in every environment that merges to the same
// spec, decode it once.
type typedCache struct {
	mu        sync.Mutex
	pipelines map[string]typedPipeline
}

type typedPipeline struct {
	spec *PipelineSpec
	err  error
}

// mergeKey is the environment whose merged spec equals env's: env itself
// when the document overrides it, else "" (the spec as written).
func (d *Document) mergeKey(env string) string {
	if d.overridden[env] {
		return env
	}
	return ""
}

// PipelineSpec returns the document's spec as merged for env, decoded
// into the typed model. The result is shared by every caller and must not
// be modified. It fails when the merged spec does not fit the model, which
// a schema-valid document never does.
func (d *Document) PipelineSpec(env string) (*PipelineSpec, error) {
	key := d.mergeKey(env)
	c := d.read()
	c.typed.mu.Lock()
	defer c.typed.mu.Unlock()
	if r, ok := c.typed.pipelines[key]; ok {
		return r.spec, r.err
	}
	spec := &PipelineSpec{}
	err := Decode(d.mergedFrom(c, key)["spec"], spec)
	if err != nil {
		spec = nil
	}
	if c.typed.pipelines == nil {
		c.typed.pipelines = make(map[string]typedPipeline)
	}
	c.typed.pipelines[key] = typedPipeline{spec: spec, err: err}
	return spec, err
}
