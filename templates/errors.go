package templates

// Codes of the errors about a template reference, stable for scripts and
// for the diagnostics the loader builds from them.
const (
	// CodeUnknownTemplate: no embedded template has the name.
	CodeUnknownTemplate = "template.unknown"
	// CodeUnknownValue: the template declares no value of that name.
	CodeUnknownValue = "template.unknown-value"
	// CodeMissingValue: a required value was not given.
	CodeMissingValue = "template.missing-value"
	// CodeValueType: a value is not of the type the template declares.
	CodeValueType = "template.value-type"
)

// Error is a mistake in a reference to a template, one a person fixes in
// the pipeline that references it: an unknown template, or an unknown,
// missing or mistyped value. Problems inside the embedded templates
// themselves are plain errors.
type Error struct {
	// Code is one of the Code constants.
	Code string
	// Template is the template's name as written.
	Template string
	// Value names the value concerned, empty when the error is about the
	// template itself.
	Value string
	// Message says what is wrong and how to fix it.
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }
