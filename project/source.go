package project

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// Entry is one file of a repository as a source offers it: its path
// relative to the repository root (slash-separated), a hash that changes
// whenever its content changes, and a way to read it.
type Entry struct {
	Path string
	// Hash identifies the content. Git blob hashes fit; a Source that has
	// none uses SHA-256 of the content.
	Hash string
	// Size is the content's length in bytes, or -1 when unknown.
	Size int64
	// Read returns the content.
	Read func() ([]byte, error)
	// Problem, when set, is a finding about the entry itself (a symlink
	// that leaves the repository); the entry is not read.
	Problem *sluice.Diagnostic
}

// Source lists the files of a repository.
type Source interface {
	// Read returns the content of one file, or an error wrapping
	// fs.ErrNotExist when there is none.
	Read(ctx context.Context, name string) ([]byte, error)
	// List returns the entries under dir (slash-separated, relative to the
	// root) whose names end in .yaml or .yml, skipping hidden files and
	// folders, sorted by path.
	List(ctx context.Context, dir string) ([]Entry, error)
}

// Dir is a Source reading a folder of the local file system.
type Dir struct {
	Root string
	// MaxFileBytes is the largest file Dir reads; a larger one is not
	// read at all (its size is checked first), and one that grows past it
	// while read is cut there. Either is a *TooLargeError.
	MaxFileBytes int64
	stats        *statCache
}

// NewDir returns a Source over the folder root. It remembers each file's
// size and modification time with its hash, so an unchanged file is not
// read again to learn that it is unchanged. It reads files of up to the
// default limit of dsl.DefaultLimits.
func NewDir(root string) *Dir {
	return &Dir{Root: root, MaxFileBytes: int64(dsl.DefaultLimits().MaxFileBytes), stats: newStatCache()}
}

// Read returns the content of the file name; a *TooLargeError when it is
// larger than MaxFileBytes.
func (d *Dir) Read(_ context.Context, name string) ([]byte, error) {
	return readFileLimited(filepath.Join(d.Root, filepath.FromSlash(name)), d.MaxFileBytes)
}

// List walks dir for YAML files. Symlinks are followed only when they stay
// inside the repository; one that leaves it becomes an entry with a
// Problem.
func (d *Dir) List(ctx context.Context, dir string) ([]Entry, error) {
	var out []Entry
	base := filepath.Join(d.Root, filepath.FromSlash(dir))
	err := filepath.WalkDir(base, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p == base && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := de.Name()
		if strings.HasPrefix(name, ".") && p != base {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if de.IsDir() || !isYAML(name) {
			return nil
		}
		rel, _ := filepath.Rel(d.Root, p)
		e, ok := d.entry(filepath.ToSlash(rel), p, de)
		if ok {
			out = append(out, e)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

func (d *Dir) entry(rel, full string, de fs.DirEntry) (Entry, bool) {
	if de.Type()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(full)
		root, rerr := filepath.EvalSymlinks(d.Root)
		if err != nil || rerr != nil || !within(root, target) {
			diag := sluice.Errorf(sluice.Position{File: rel, Line: 1, Column: 1}, "file.symlink",
				"symlink leads outside the repository (or nowhere); Sluice reads only files inside it")
			return Entry{Path: rel, Problem: &diag}, true
		}
		if st, err := os.Stat(target); err != nil || st.IsDir() {
			return Entry{}, false
		}
		full = target
	}
	st, err := os.Stat(full)
	if err != nil {
		return Entry{}, false
	}
	if st.Size() > d.MaxFileBytes {
		// Not read, not even to hash it: the loader refuses it by size.
		tooLarge := &TooLargeError{Size: st.Size(), Limit: d.MaxFileBytes}
		return Entry{Path: rel, Size: st.Size(), Read: func() ([]byte, error) { return nil, tooLarge }}, true
	}
	hash := d.stats.lookup(rel, st)
	read := func() ([]byte, error) { return readFileLimited(full, d.MaxFileBytes) }
	if hash == "" {
		data, err := readFileLimited(full, d.MaxFileBytes)
		if err != nil {
			return Entry{Path: rel, Size: st.Size(), Read: func() ([]byte, error) { return nil, err }}, true
		}
		hash = contentHash(data)
		d.stats.store(rel, st, hash)
		read = func() ([]byte, error) { return data, nil }
	}
	return Entry{Path: rel, Hash: hash, Size: st.Size(), Read: read}, true
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func isYAML(name string) bool {
	ext := path.Ext(name)
	return ext == ".yaml" || ext == ".yml"
}

func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
