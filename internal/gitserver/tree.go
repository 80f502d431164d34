package gitserver

import (
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Delete is the content that, given to Commit or ForcePush for a file,
// removes the file.
const Delete = "\x00gitserver:delete\x00"

const symlinkPrefix = "\x00gitserver:symlink\x00"

// Symlink returns a file content that makes Commit write a symbolic link
// to target instead of a regular file.
func Symlink(target string) string { return symlinkPrefix + target }

// readFiles returns the files of the tree at hash, flattened by path.
func readFiles(tb testing.TB, r *git.Repository, treeHash plumbing.Hash) map[string]object.TreeEntry {
	tb.Helper()
	files := map[string]object.TreeEntry{}
	if treeHash.IsZero() {
		return files
	}
	tree, err := r.TreeObject(treeHash)
	if err != nil {
		tb.Fatalf("gitserver: read tree %s: %v", treeHash, err)
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err != nil {
			break
		}
		if e.Mode != filemode.Dir {
			files[name] = e
		}
	}
	return files
}

// applyFiles writes the blobs of changes and applies them to files.
func applyFiles(tb testing.TB, r *git.Repository, files map[string]object.TreeEntry, changes map[string]string) {
	tb.Helper()
	for p, content := range changes {
		if content == Delete {
			delete(files, p)
			continue
		}
		mode := filemode.Regular
		if target, ok := strings.CutPrefix(content, symlinkPrefix); ok {
			mode, content = filemode.Symlink, target
		}
		files[p] = object.TreeEntry{Name: p, Mode: mode, Hash: writeBlob(tb, r, content)}
	}
}

func writeBlob(tb testing.TB, r *git.Repository, content string) plumbing.Hash {
	tb.Helper()
	obj := r.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		tb.Fatalf("gitserver: blob: %v", err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		tb.Fatalf("gitserver: blob: %v", err)
	}
	if err := w.Close(); err != nil {
		tb.Fatalf("gitserver: blob: %v", err)
	}
	return store(tb, r, obj)
}

func store(tb testing.TB, r *git.Repository, obj plumbing.EncodedObject) plumbing.Hash {
	tb.Helper()
	h, err := r.Storer.SetEncodedObject(obj)
	if err != nil {
		tb.Fatalf("gitserver: store object: %v", err)
	}
	return h
}

// writeTree writes files as nested tree objects and returns the root's
// hash.
func writeTree(tb testing.TB, r *git.Repository, files map[string]object.TreeEntry) plumbing.Hash {
	tb.Helper()
	var entries []object.TreeEntry
	subdirs := map[string]map[string]object.TreeEntry{}
	for p, e := range files {
		dir, rest, nested := strings.Cut(p, "/")
		if !nested {
			entries = append(entries, object.TreeEntry{Name: p, Mode: e.Mode, Hash: e.Hash})
			continue
		}
		if subdirs[dir] == nil {
			subdirs[dir] = map[string]object.TreeEntry{}
		}
		subdirs[dir][rest] = e
	}
	for dir, sub := range subdirs {
		entries = append(entries, object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: writeTree(tb, r, sub)})
	}
	sort.Slice(entries, func(i, j int) bool { return sortKey(entries[i]) < sortKey(entries[j]) })
	obj := r.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		tb.Fatalf("gitserver: tree: %v", err)
	}
	return store(tb, r, obj)
}

// sortKey orders tree entries as Git does: a folder sorts as if its name
// ended in a slash.
func sortKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}
