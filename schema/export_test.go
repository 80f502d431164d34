package schema

// Verdicts returns the quick check's and the jsonschema library's verdict
// on value against the schema of kind, for tests that compare them.
func (v *Validator) Verdicts(kind string, value map[string]any) (quick, library bool) {
	return v.quick[kind].valid(value), v.schemas[kind].Validate(value) == nil
}
