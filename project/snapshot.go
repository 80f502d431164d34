package project

import (
	"slices"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// Snapshot is a repository as read at one moment: its project, its
// documents and every finding, for every declared environment.
type Snapshot struct {
	// Project is the project document, nil when the project file is
	// missing or unreadable.
	Project *dsl.Document
	// Spec is the decoded project spec (zero when Project is nil or
	// invalid).
	Spec dsl.ProjectSpec
	// ProjectOK is false when the project file has findings: the whole
	// repository is then held.
	ProjectOK bool
	// Documents are the documents that could be read, in file order.
	Documents []*dsl.Document
	// Invalid holds the IDs of documents with findings, per environment;
	// the key "" holds documents invalid in every environment.
	Invalid map[string]map[string]bool
	// BrokenFiles lists files that could not be split into documents at
	// all: whatever they defined before is unknown now.
	BrokenFiles []string
	// Diagnostics are all findings, sorted.
	Diagnostics sluice.Diagnostics
}

// ReleasePipelines releases the content of every pipeline document
// (dsl.Document.Release): a daemon that keeps the snapshot between
// reconciles keeps each pipeline's source, identity and findings, and its
// content is read again from the source when a compilation needs it.
func (s *Snapshot) ReleasePipelines() {
	for _, d := range s.Documents {
		if d.Kind == dsl.KindPipeline {
			d.Release()
		}
	}
}

// Environments returns the environments the project declares.
func (s *Snapshot) Environments() []string { return s.Spec.Environments }

// HasEnvironment reports whether env is declared.
func (s *Snapshot) HasEnvironment(env string) bool {
	for _, e := range s.Spec.Environments {
		if e == env {
			return true
		}
	}
	return false
}

// Valid returns the documents that have no finding in env (nor in every
// environment), in file order.
func (s *Snapshot) Valid(env string) []*dsl.Document {
	out := make([]*dsl.Document, 0, len(s.Documents))
	for _, d := range s.Documents {
		if !s.IsInvalid(d.ID(), env) {
			out = append(out, d)
		}
	}
	return out
}

// IsInvalid reports whether the document id has findings in env.
func (s *Snapshot) IsInvalid(id, env string) bool {
	return s.Invalid[""][id] || s.Invalid[env][id]
}

func (s *Snapshot) markInvalid(id, env string) {
	if s.Invalid == nil {
		s.Invalid = make(map[string]map[string]bool)
	}
	if s.Invalid[env] == nil {
		s.Invalid[env] = make(map[string]bool)
	}
	s.Invalid[env][id] = true
}

// CheckEach runs check (the compiler, say) for every environment on the
// documents valid there, adds its findings and holds the documents they
// name in that environment.
func (s *Snapshot) CheckEach(check func(env string, docs []*dsl.Document) sluice.Diagnostics) {
	if s.Project == nil {
		return
	}
	for _, env := range s.Environments() {
		s.addFindings(env, check(env, s.Valid(env)), nil)
	}
	s.finish()
}

// CheckInChunks is CheckEach for a caller that wants findings and the
// least memory (validate): the documents other than pipelines are checked
// alone in every environment, then the pipelines size at a time, each
// chunk with those documents in every environment, and each chunk's
// pipelines are released once checked in all of them. A pipeline is
// compiled on its own (the compiler reads no other pipeline), so its
// findings are those CheckEach gives it; of a chunk's findings only the
// chunk's pipelines' are kept, the others' having been found once already.
func (s *Snapshot) CheckInChunks(size int, check func(env string, docs []*dsl.Document) sluice.Diagnostics) {
	if s.Project == nil {
		return
	}
	size = max(size, 1)
	var others, pipelines []*dsl.Document
	for _, d := range s.Documents {
		if d.Kind == dsl.KindPipeline {
			pipelines = append(pipelines, d)
		} else {
			others = append(others, d)
		}
	}
	envs := s.Environments()
	valid := make(map[string][]*dsl.Document, len(envs))
	for _, env := range envs {
		valid[env] = s.validAmong(env, others)
		s.addFindings(env, check(env, valid[env]), nil)
	}
	for start := 0; start < len(pipelines); start += size {
		chunk := pipelines[start:min(start+size, len(pipelines))]
		ids := make(map[string]bool, len(chunk))
		for _, d := range chunk {
			ids[d.ID()] = true
		}
		for _, env := range envs {
			docs := append(slices.Clip(valid[env]), s.validAmong(env, chunk)...)
			s.addFindings(env, check(env, docs), ids)
		}
		for _, d := range chunk {
			d.Release()
		}
	}
	s.finish()
}

// validAmong returns the documents of docs with no finding in env.
func (s *Snapshot) validAmong(env string, docs []*dsl.Document) []*dsl.Document {
	out := make([]*dsl.Document, 0, len(docs))
	for _, d := range docs {
		if !s.IsInvalid(d.ID(), env) {
			out = append(out, d)
		}
	}
	return out
}

// addFindings adds ds, found in env, keeping only those about the
// documents in only when it is set.
func (s *Snapshot) addFindings(env string, ds sluice.Diagnostics, only map[string]bool) {
	for _, d := range ds {
		if only != nil && !only[d.Document] {
			continue
		}
		if d.Env == "" {
			d.Env = env
		}
		s.Diagnostics = append(s.Diagnostics, d)
	}
}
