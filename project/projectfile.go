package project

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"

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
	if err != nil {
		return "", sluice.E("project.Load", sluice.KindInternal, err)
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
	}
	diags = append(diags, checkProjectSpec(doc, &snap.Spec)...)
	snap.Diagnostics = append(snap.Diagnostics, diags...)
	if len(diags) > 0 {
		return "", nil
	}
	snap.Project, snap.ProjectOK = doc, true
	return contentHash(data), nil
}

// checkProjectSpec checks what the schema cannot: distinct environment
// names and a folder that stays inside the repository.
func checkProjectSpec(doc *dsl.Document, spec *dsl.ProjectSpec) sluice.Diagnostics {
	var diags sluice.Diagnostics
	seen := make(map[string]bool)
	for i, env := range spec.Environments {
		if seen[env] {
			diags = append(diags, sluice.Errorf(doc.Locate("spec", "environments", itoa(i)), "project.duplicate-environment",
				"environment %q is declared twice", env))
		}
		seen[env] = true
	}
	if spec.Folder == "" {
		spec.Folder = dsl.DefaultFolder
	}
	clean := path.Clean(spec.Folder)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		diags = append(diags, sluice.Errorf(doc.Locate("spec", "folder"), "project.folder",
			"folder %q leaves the repository; give a path relative to the repository root", spec.Folder))
	}
	spec.Folder = clean
	return diags
}
