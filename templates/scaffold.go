package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/sluice-dev/sluice"
)

// maxProjectName is the longest project name: a metadata.name.
const maxProjectName = 63

var projectNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// Scaffold writes the files of the template called name into dir, creating
// directories as needed, for a project called project. An empty project
// is derived from dir's base name (see ProjectName).
//
// It writes nothing and fails with a sluice.KindConflict error when any of
// the files already exists; it fails with an *Error for an unknown
// template and a sluice.KindInvalid error for a bad project name. If a
// write fails midway, the files it wrote are removed again.
func Scaffold(name, dir, project string) error {
	const op = "templates.Scaffold"
	t, err := Get(name)
	if err != nil {
		return err
	}
	if project, err = chooseProject(dir, project); err != nil {
		return sluice.E(op, sluice.KindInvalid, err)
	}
	files, err := t.Render(project)
	if err != nil {
		return sluice.E(op, sluice.KindInternal, err)
	}
	paths := sortedPaths(files)
	if err := refuseExisting(dir, paths); err != nil {
		return sluice.E(op, sluice.KindConflict, err)
	}
	return writeAll(op, dir, paths, files)
}

func chooseProject(dir, project string) (string, error) {
	if project == "" {
		return ProjectName(dir)
	}
	return project, CheckProjectName(project)
}

// CheckProjectName returns an error saying how project breaks the rules of
// a project name (lowercase letters, digits and hyphens, starting with a
// letter, at most 63 characters), or nil.
func CheckProjectName(project string) error {
	if len(project) > maxProjectName || !projectNameRE.MatchString(project) {
		return fmt.Errorf("project name %q: use lowercase letters, digits and hyphens, starting with a letter, at most %d characters", project, maxProjectName)
	}
	return nil
}

// ProjectName derives a project name from a directory's base name:
// lowercased, every run of other characters turned into one hyphen,
// anything before the first letter dropped, cut to 63 characters. It
// fails when nothing usable is left; pass a name explicitly then.
func ProjectName(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	base := filepath.Base(abs)
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z', b.Len() > 0 && r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := b.String()
	if len(name) > maxProjectName {
		name = name[:maxProjectName]
	}
	name = strings.TrimRight(name, "-")
	if name == "" {
		return "", fmt.Errorf("cannot make a project name from directory %q; give one explicitly", base)
	}
	return name, nil
}

func sortedPaths(files map[string][]byte) []string {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

func refuseExisting(dir string, paths []string) error {
	var existing []string
	for _, p := range paths {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); !errors.Is(err, fs.ErrNotExist) {
			existing = append(existing, p)
		}
	}
	if len(existing) == 0 {
		return nil
	}
	shown := existing
	if len(shown) > 4 {
		shown = append(shown[:3:3], fmt.Sprintf("%d more", len(existing)-3))
	}
	return fmt.Errorf("%s already has %s; scaffold into an empty directory or move them away (nothing was written)",
		dir, joinAnd(shown))
}

func writeAll(op, dir string, paths []string, files map[string][]byte) error {
	var written []string
	for _, p := range paths {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := writeNew(target, files[p], fileMode(p)); err != nil {
			for _, w := range written {
				_ = os.Remove(w)
			}
			return sluice.E(op, sluice.KindInternal, err)
		}
		written = append(written, target)
	}
	return nil
}

// writeNew creates the file, failing if it exists.
func writeNew(target string, data []byte, mode fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// fileMode makes the step programs executable.
func fileMode(p string) fs.FileMode {
	if strings.HasSuffix(p, ".py") {
		return 0o755
	}
	return 0o644
}
