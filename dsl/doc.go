// Package dsl reads Sluice documents: it splits YAML files into documents,
// converts them to plain values (with a reader of its own for the YAML
// people write, yaml.v3 for the rest), finds where any path of them was
// written, merges per-environment overrides, and decodes the typed model
// the compiler works on.
//
// Nothing here judges whether a document is valid beyond what is needed to
// read it (YAML syntax, encoding, size, duplicate keys, aliases, the
// apiVersion and kind); the schema package and the semantic checks do that.
package dsl
