package gitsource_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/project"
)

// A blob over the loader's default limit (1 MiB) is refused by the size
// the object store records, before it is read; one at the limit is read.
func TestLargeBlobRefusedBeforeReading(t *testing.T) {
	ctx := context.Background()
	bare := gitserver.NewRepo(t, map[string]string{
		"sluice.yaml":      "kind: Project\n",
		"deploy/big.yaml":  strings.Repeat("#", 1<<20+1),
		"deploy/edge.yaml": strings.Repeat("#", 1<<20),
	}, "main")
	src, _, err := gitsource.LocalSource(ctx, bare, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	var large *project.TooLargeError
	_, err = src.Read(ctx, "deploy/big.yaml")
	if !errors.As(err, &large) || large.Size != 1<<20+1 || large.Limit != 1<<20 {
		t.Errorf("Read(big) = %v, want a TooLargeError of %d bytes over %d", err, 1<<20+1, 1<<20)
	}
	if data, err := src.Read(ctx, "deploy/edge.yaml"); err != nil || len(data) != 1<<20 {
		t.Errorf("Read(edge) = %d bytes, %v; want the whole file", len(data), err)
	}
}
