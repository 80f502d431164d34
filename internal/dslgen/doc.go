// Command dslgen writes the files generated from the JSON Schemas of
// Sluice's documents: the DSL reference, docs/dsl.md, and the bundled
// schema for editors, schema/kinds/sluice.schema.json.
//
// Run it from the repository root (make generate does):
//
//	go run ./internal/dslgen
//
// A test fails while either file differs from what dslgen writes.
package main
