package project

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/schema"
)

// Options configure a Loader.
type Options struct {
	// Limits bound the cost of one file.
	Limits dsl.Limits
	// Workers is how many files are read at once; 0 means one per CPU.
	Workers int
	// Validator checks documents against the JSON Schemas.
	Validator *schema.Validator
	// ReleaseChecked releases each pipeline document's content once its
	// file is checked (dsl.Document.Release): for a one-shot caller
	// (validate) that then compiles the pipelines a few at a time, whose
	// peak need not hold every pipeline's plain values and typed specs.
	ReleaseChecked bool
}

// Loader reads repositories into Snapshots, remembering the result of each
// file by content so that repeated loads redo only what changed. A Loader
// is safe for use by one goroutine at a time.
type Loader struct {
	opts        Options
	cache       *resultCache
	lastProject *loadedProject
}

// NewLoader returns a Loader. It fails when opts has no Validator.
func NewLoader(opts Options) (*Loader, error) {
	if opts.Validator == nil {
		return nil, sluice.E("project.NewLoader", sluice.KindInvalid, errors.New("a schema validator is required"))
	}
	if opts.Limits == (dsl.Limits{}) {
		opts.Limits = dsl.DefaultLimits()
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	return &Loader{opts: opts, cache: newResultCache()}, nil
}

// Load reads the repository src offers. Findings about the repository are
// in the Snapshot; the error is for failures to read it at all (I/O,
// cancellation).
func (l *Loader) Load(ctx context.Context, src Source) (*Snapshot, error) {
	snap := &Snapshot{}
	projectHash, err := l.loadProject(ctx, src, snap)
	if err != nil {
		return nil, err
	}
	if snap.Project == nil {
		return snap.finish(), nil
	}
	entries, err := src.List(ctx, snap.Spec.Folder)
	if err != nil {
		return nil, sluice.E("project.Load", sluice.KindInternal, err)
	}
	entries = withoutProjectFile(entries)
	if len(entries) == 0 {
		snap.noDocuments()
		return snap.finish(), nil
	}
	l.cache.resetUnless(projectHash)
	results, err := l.readFiles(ctx, entries, snap.Spec.Environments)
	if err != nil {
		return nil, err
	}
	l.cache.sweep()
	refs := make(map[*dsl.Document][]pipelineRefs, len(results))
	for i, r := range results {
		for _, dr := range r.refs {
			refs[dr.doc] = dr.refs
		}
		snap.Documents = append(snap.Documents, r.docs...)
		snap.Diagnostics = append(snap.Diagnostics, r.diags...)
		if r.broken {
			snap.BrokenFiles = append(snap.BrokenFiles, entries[i].Path)
		}
	}
	snap.Diagnostics = append(snap.Diagnostics, crossCheck(snap, refs)...)
	return snap.finish(), nil
}

// finish sorts the findings and marks every document they name invalid
// in the environment they name.
func (s *Snapshot) finish() *Snapshot {
	s.Diagnostics = s.Diagnostics.Sort()
	for _, d := range s.Diagnostics {
		if d.Document != "" && d.Severity != sluice.SeverityWarning {
			s.markInvalid(d.Document, d.Env)
		}
	}
	return s
}

// readFiles reads, parses and checks the entries on a pool of workers,
// taking each file's result from the cache when its content is known.
func (l *Loader) readFiles(ctx context.Context, entries []Entry, envs []string) ([]fileResult, error) {
	results := make([]fileResult, len(entries))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := 0; w < l.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r, err := l.readFile(entries[i], envs)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
				}
				results[i] = r
			}
		}()
	}
	for i := range entries {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, firstErr
}

func (l *Loader) readFile(e Entry, envs []string) (fileResult, error) {
	if e.Problem != nil {
		return fileResult{diags: sluice.Diagnostics{*e.Problem}, broken: true}, nil
	}
	if e.Hash != "" {
		if r, ok := l.cache.get(e.Path, e.Hash); ok {
			return r, nil
		}
	}
	if lim := l.opts.Limits.MaxFileBytes; lim > 0 && e.Size > int64(lim) {
		return tooLarge(e.Path, &TooLargeError{Size: e.Size, Limit: int64(lim)}), nil
	}
	data, err := e.Read()
	if err != nil {
		var large *TooLargeError
		if errors.As(err, &large) {
			return tooLarge(e.Path, large), nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return fileResult{}, nil
		}
		return fileResult{}, sluice.E("project.Load", sluice.KindInternal, err)
	}
	r := l.checkFile(e.Path, data, envs)
	if e.Hash != "" {
		l.cache.put(e.Path, e.Hash, r)
	}
	return r, nil
}

func tooLarge(path string, err *TooLargeError) fileResult {
	d := sluice.Errorf(sluice.Position{File: path, Line: 1, Column: 1}, "file.too-large",
		"%v; split it into several files", err)
	return fileResult{diags: sluice.Diagnostics{d}, broken: true}
}

// withoutProjectFile drops the project file from a listing of the root
// folder: it is read on its own, first.
func withoutProjectFile(entries []Entry) []Entry {
	out := entries[:0]
	for _, e := range entries {
		if e.Path != dsl.ProjectFile {
			out = append(out, e)
		}
	}
	return out
}

// noDocuments records that the project's folder holds no YAML file: a
// folder that is missing, misspelt or emptied by mistake is an error in
// validate, never "deploy nothing" with exit 0. The project stays valid:
// the daemon holds an empty desired set on its own, and prunes to it only
// where the environment allows an empty set (allowEmpty).
func (s *Snapshot) noDocuments() {
	pos := sluice.Position{File: dsl.ProjectFile, Line: 1, Column: 1}
	if s.Project.Has("spec", "folder") {
		pos = s.Project.Locate("spec", "folder")
	}
	s.Diagnostics = append(s.Diagnostics, sluice.Errorf(pos, "project.no-documents",
		"folder %q holds no YAML document (it is missing or empty); put the documents there or set folder in %s to where they are",
		s.Spec.Folder, dsl.ProjectFile))
}
