package project

import (
	"context"
	"errors"
	"io/fs"
	"path"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// loadProject reads the project file at the repository root. It returns
// the project file's content hash; snap.Project stays nil when there is no
// usable project, and the findings say why.
func (l *Loader) loadProject(ctx context.Context, src Source, snap *Snapshot) (string, error) {
	whole := sluice.Position{File: dsl.ProjectFile, Line: 1, Column: 1}
	data, err := src.Read(ctx, dsl.ProjectFile)
	if errors.Is(err, fs.ErrNotExist) {
		snap.Diagnostics = append(snap.Diagnostics, sluice.Errorf(whole, "project.missing",
			"no %s at the repository root; run \"sluice init\" or create one with kind: Project", dsl.ProjectFile))
		return "", nil
	}
	var large *TooLargeError
	if errors.As(err, &large) {
		snap.Diagnostics = append(snap.Diagnostics, tooLarge(dsl.ProjectFile, large).diags...)
		return "", nil
	}
	if err != nil {
		return "", sluice.E("project.Load", sluice.KindInternal, err)
	}
	hash := contentHash(data)
	if p := l.lastProject; p != nil && p.hash == hash {
		// The same document as last time: later stages (the compiler's
		// cache) recognise an unchanged project by its identity.
		snap.Project, snap.Spec, snap.ProjectOK = p.doc, p.spec, true
		return hash, nil
	}
	f, diags := dsl.ParseFile(dsl.ProjectFile, data, l.opts.Limits)
	if len(diags) > 0 {
		snap.Diagnostics = append(snap.Diagnostics, diags...)
		return "", nil
	}
	if len(f.Documents) != 1 || f.Documents[0].Kind != dsl.KindProject {
		snap.Diagnostics = append(snap.Diagnostics, sluice.Errorf(whole, "project.file",
			"%s must hold exactly one document, of kind Project", dsl.ProjectFile))
		return "", nil
	}
	doc := f.Documents[0]
	diags = l.opts.Validator.Validate(doc, "", doc.Merged(""))
	if len(diags) == 0 {
		if err := dsl.Decode(doc.Spec(), &snap.Spec); err != nil {
			diags = append(diags, sluice.Errorf(doc.Locate("spec"), "project.decode", "%v", err))
		}
		checkProjectSpec(&snap.Spec)
	}
	snap.Diagnostics = append(snap.Diagnostics, diags...)
	if len(diags) > 0 {
		return "", nil
	}
	snap.Project, snap.ProjectOK = doc, true
	l.lastProject = &loadedProject{hash: hash, doc: doc, spec: snap.Spec}
	return hash, nil
}

// loadedProject is the last valid project file a Loader read.
type loadedProject struct {
	hash string
	doc  *dsl.Document
	spec dsl.ProjectSpec
}

// checkProjectSpec fills what the project spec leaves to defaults. The
// schema has already refused duplicate environments and folders that
// leave the repository.
func checkProjectSpec(spec *dsl.ProjectSpec) {
	if spec.Folder == "" {
		spec.Folder = dsl.DefaultFolder
	}
	spec.Folder = path.Clean(spec.Folder)
}
