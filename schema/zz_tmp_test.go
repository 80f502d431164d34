package schema_test

import (
	"os"
	"testing"

	"github.com/sluice-dev/sluice/schema"
)

func TestTmpWriteBundle(t *testing.T) {
	b, err := schema.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("kinds/sluice.schema.json", b, 0o644)
}
