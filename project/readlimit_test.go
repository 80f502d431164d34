package project_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/project"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestReadLimited(t *testing.T) {
	tests := []struct {
		name     string
		content  int64 // bytes the reader yields
		size     int64 // size it declares
		wantSize int64 // TooLargeError.Size; 0 for no error
		maxRead  int64 // most bytes it may be read
	}{
		{name: "at the limit", content: 100, size: 100, maxRead: 101},
		{name: "size unknown, at the limit", content: 100, size: -1, maxRead: 101},
		{name: "over the limit by its size", content: 101, size: 101, wantSize: 101, maxRead: 0},
		{name: "grew while read", content: 1 << 20, size: 10, wantSize: -1, maxRead: 101},
		{name: "size unknown, over the limit", content: 1 << 20, size: -1, wantSize: -1, maxRead: 101},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &countingReader{r: bytes.NewReader(bytes.Repeat([]byte("a"), int(tt.content)))}
			data, err := project.ReadLimited(r, tt.size, 100)
			var large *project.TooLargeError
			switch {
			case tt.wantSize == 0 && (err != nil || int64(len(data)) != tt.content):
				t.Errorf("got %d bytes, %v; want all %d", len(data), err, tt.content)
			case tt.wantSize != 0 && (!errors.As(err, &large) || large.Size != tt.wantSize || large.Limit != 100):
				t.Errorf("got %v, want a TooLargeError with size %d", err, tt.wantSize)
			}
			if r.n > tt.maxRead {
				t.Errorf("read %d bytes, want at most %d", r.n, tt.maxRead)
			}
		})
	}
}

// A huge (sparse) file in the folder is refused by its size: neither
// listing nor loading reads it.
func TestHugeFileIsNotRead(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, readTree(t, "testdata/base"))
	huge := filepath.Join(root, "deploy", "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	snap := checkAll(t, project.NewDir(root))
	runtime.ReadMemStats(&after)
	assertFindings(t, snap.Diagnostics, []string{"deploy/huge.yaml:1:1 file.too-large"})
	if !strings.Contains(snap.Diagnostics[0].Message, "1073741824 bytes") {
		t.Errorf("message %q does not give the file's size", snap.Diagnostics[0].Message)
	}
	// Loading the base repository allocates a few MiB; reading the file
	// would allocate a GiB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("loading allocated %d bytes: the huge file was read", got)
	}
}

// A folder that is missing, or holds no YAML file, is an error finding at
// the folder's name: it never reads as "deploy nothing" with exit 0.
func TestFolderWithoutDocuments(t *testing.T) {
	base := readTree(t, "testdata/base")
	project0 := base["sluice.yaml"]
	tests := []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{name: "default folder missing", files: map[string][]byte{"sluice.yaml": project0},
			want: "sluice.yaml:1:1 project.no-documents"},
		{name: "default folder without YAML", files: map[string][]byte{"sluice.yaml": project0, "deploy/README.md": []byte("x")},
			want: "sluice.yaml:1:1 project.no-documents"},
		{name: "folder named but missing", files: map[string][]byte{"sluice.yaml": withFolder(project0, "pipelines"), "deploy/good.yaml": base["deploy/good.yaml"]},
			want: "sluice.yaml:6:11 project.no-documents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := checkAll(t, project.NewMemory(tt.files))
			assertFindings(t, snap.Diagnostics, []string{tt.want})
			if !snap.Diagnostics.HasErrors() || len(snap.Documents) != 0 {
				t.Errorf("want an error and no document, got %v and %d documents", snap.Diagnostics, len(snap.Documents))
			}
		})
	}
	root := t.TempDir()
	writeTree(t, root, map[string][]byte{"sluice.yaml": project0})
	snap := checkAll(t, project.NewDir(root))
	assertFindings(t, snap.Diagnostics, []string{"sluice.yaml:1:1 project.no-documents"})
}

// withFolder returns a project file with folder set, on line 6.
func withFolder(projectFile []byte, folder string) []byte {
	return bytes.Replace(projectFile, []byte("spec:\n"), []byte("spec:\n  folder: "+folder+"\n"), 1)
}
