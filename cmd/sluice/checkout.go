package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// snapshotFiles replaces dst with a copy of the files under src as they
// are now (Git's folders and the folder skip left out): the files an apply on the local backend compiled, from which the
// environment's steps then run, however the working tree changes after.
// The copy is made beside dst and renamed into place, so a failed copy
// leaves the previous one.
func snapshotFiles(src, dst, skip string) error {
	src, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), filepath.Base(dst)+".new-")
	if err != nil {
		return err
	}
	if err := copyTree(src, tmp, skip); err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("copy the deployed files to %s: %w", dst, err)
	}
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// copyTree copies the files under src into dst, skipping .git folders
// and the folder skip.
func copyTree(src, dst, skip string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir() && (d.Name() == ".git" || p == skip):
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(out, 0o700)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		case d.Type().IsRegular():
			return copyFile(p, out)
		}
		return nil
	})
}

// copyFile copies one regular file, keeping its permission bits.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
