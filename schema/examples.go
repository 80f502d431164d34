package schema

import (
	"embed"
	"strings"
)

//go:embed examples/*.yaml
var exampleFiles embed.FS

// Example returns an example document of kind (matched without regard to
// case), valid against its schema, as YAML; false for a kind it has none
// for. The DSL reference shows them.
func Example(kind string) ([]byte, bool) {
	k, ok := canonicalKind(kind)
	if !ok {
		return nil, false
	}
	b, err := exampleFiles.ReadFile("examples/" + strings.ToLower(k) + ".yaml")
	return b, err == nil
}
