package gitsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/project"
)

// maxLinkHops bounds how many symbolic links one path may pass through.
const maxLinkHops = 8

// Tree is a project.Source over the files of one commit, below a root
// folder of the repository. Each entry's Hash is its Git blob hash, so
// listing an unchanged file costs no read. A Tree is safe for concurrent
// use.
type Tree struct {
	mu     *sync.Mutex // guards s, shared with the Repo that made the Tree
	s      storer.EncodedObjectStorer
	commit string
	files  map[string]object.TreeEntry // by path relative to the root
}

var _ project.Source = (*Tree)(nil)

// Source returns a project.Source reading the tree of commit hash (a full
// hex hash, fetched before) from the cache, with paths relative to root,
// the project's folder inside the repository ("" for the top). A root
// the commit does not have gives an empty Source. It fails with an error
// wrapping ErrNotFound when the commit is not in the cache, and when root
// leaves the repository.
func (r *Repo) Source(ctx context.Context, hash, root string) (*Tree, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, err := newTree(ctx, &r.mu, r.repo.Storer, hash, root)
	if err != nil {
		return nil, sluice.E("gitsource.Source", kindOf(err), err)
	}
	return t, nil
}

func kindOf(err error) sluice.Kind {
	if errors.Is(err, ErrNotFound) {
		return sluice.KindNotFound
	}
	return sluice.KindInvalid
}

// newTree lists the files of commit hash below root. The caller holds mu.
func newTree(ctx context.Context, mu *sync.Mutex, s storer.EncodedObjectStorer, hash, root string) (*Tree, error) {
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	if !plumbing.IsHash(hash) {
		return nil, fmt.Errorf("%q is not a full commit hash: %w", hash, ErrNotFound)
	}
	c, err := object.GetCommit(s, plumbing.NewHash(hash))
	if err != nil {
		return nil, notFound(plumbing.NewHash(hash), err)
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	files, err := listFiles(ctx, tree, root)
	if err != nil {
		return nil, err
	}
	return &Tree{mu: mu, s: s, commit: hash, files: files}, nil
}

func cleanRoot(root string) (string, error) {
	clean := path.Clean(strings.Trim(root, "/"))
	switch {
	case clean == ".":
		return "", nil
	case clean == ".." || strings.HasPrefix(clean, "../"):
		return "", fmt.Errorf("root %q leaves the repository", root)
	}
	return clean, nil
}

// listFiles returns the files and symbolic links under root, by path
// relative to it.
func listFiles(ctx context.Context, tree *object.Tree, root string) (map[string]object.TreeEntry, error) {
	files := map[string]object.TreeEntry{}
	if root != "" {
		sub, err := tree.Tree(root)
		if errors.Is(err, object.ErrDirectoryNotFound) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		tree = sub
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if e.Mode == filemode.Regular || e.Mode == filemode.Executable || e.Mode == filemode.Symlink {
			files[name] = e
		}
	}
}

// Commit returns the hash of the commit the Tree reads.
func (t *Tree) Commit() string { return t.commit }

// Read returns the content of the file name, following symbolic links
// that stay under the root, or an error wrapping fs.ErrNotExist.
func (t *Tree) Read(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e, ok := t.files[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	if e.Mode == filemode.Symlink {
		target, ok, err := t.resolve(name)
		if err != nil || !ok {
			return nil, fmt.Errorf("%s: symbolic link leads outside the project or nowhere: %w", name, fs.ErrNotExist)
		}
		e = t.files[target]
	}
	return t.blob(e.Hash)
}

// List returns the YAML files under dir, skipping hidden files and
// folders, sorted by path. A symbolic link is followed when it leads to
// a file under the root; one that leads elsewhere becomes an entry with a
// Problem, one that leads to a folder is skipped.
func (t *Tree) List(ctx context.Context, dir string) ([]project.Entry, error) {
	prefix := strings.Trim(dir, "/") + "/"
	if prefix == "/" || prefix == "./" {
		prefix = ""
	}
	var out []project.Entry
	for p, e := range t.files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(p, prefix) || !isYAML(p) || hidden(p[len(prefix):]) {
			continue
		}
		if entry, ok := t.entry(p, e); ok {
			out = append(out, entry)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (t *Tree) entry(p string, e object.TreeEntry) (project.Entry, bool) {
	if e.Mode == filemode.Symlink {
		target, ok, err := t.resolve(p)
		if err == nil && !ok {
			return project.Entry{}, false
		}
		if err != nil {
			diag := sluice.Errorf(sluice.Position{File: p, Line: 1, Column: 1}, "file.symlink",
				"symlink leads outside the repository (or nowhere); Sluice reads only files inside it")
			return project.Entry{Path: p, Problem: &diag}, true
		}
		e = t.files[target]
	}
	h := e.Hash
	// Size stays unknown: reading it from the object store costs about as
	// much as reading the blob (measured 35x the listing on 1,000 files),
	// and the point of the hash is to read nothing for unchanged files.
	return project.Entry{Path: p, Hash: h.String(), Size: -1, Read: func() ([]byte, error) { return t.blob(h) }}, true
}

// resolve follows the symbolic link at p to a file under the root. ok is
// false, with no error, when it leads to a folder; the error says it
// leads outside the root, nowhere, or round in circles.
func (t *Tree) resolve(p string) (target string, ok bool, err error) {
	for range maxLinkHops {
		link, err := t.blob(t.files[p].Hash)
		if err != nil {
			return "", false, err
		}
		dest := string(link)
		if path.IsAbs(dest) {
			return "", false, fmt.Errorf("%s: absolute link", p)
		}
		p = path.Join(path.Dir(p), dest)
		if p == ".." || strings.HasPrefix(p, "../") {
			return "", false, fmt.Errorf("%s: link leaves the root", p)
		}
		e, found := t.files[p]
		switch {
		case found && e.Mode != filemode.Symlink:
			return p, true, nil
		case !found && t.isDir(p):
			return "", false, nil
		case !found:
			return "", false, fmt.Errorf("%s: dangling link", p)
		}
	}
	return "", false, fmt.Errorf("%s: too many levels of links", p)
}

func (t *Tree) isDir(p string) bool {
	if p == "." {
		return true
	}
	for f := range t.files {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	return false
}

// blob reads the blob h from the cache.
//
// A blob larger than the loader's default file limit is refused with a
// *project.TooLargeError before it is read, from the size the object
// store records; one that yields more than that size is cut at the limit.
func (t *Tree) blob(h plumbing.Hash) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	limit := int64(dsl.DefaultLimits().MaxFileBytes)
	size, err := t.s.EncodedObjectSize(h)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	if size > limit {
		return nil, &project.TooLargeError{Size: size, Limit: limit}
	}
	obj, err := t.s.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	data, err := project.ReadLimited(rd, size, limit)
	if cerr := rd.Close(); err == nil {
		err = cerr
	}
	return data, err
}

func isYAML(name string) bool {
	ext := path.Ext(name)
	return ext == ".yaml" || ext == ".yml"
}

func hidden(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}
