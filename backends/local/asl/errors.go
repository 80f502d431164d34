package asl

import "fmt"

// Names of the errors the interpreter itself raises, as the Amazon States
// Language defines them.
const (
	// ErrAll matches every error but ErrRuntime in a Retry or Catch.
	ErrAll = "States.ALL"
	// ErrTaskFailed is a Task's failure; in a Retry or Catch it matches
	// every error but ErrTimeout and ErrRuntime.
	ErrTaskFailed = "States.TaskFailed"
	// ErrTimeout is a Task that ran past its TimeoutSeconds, or an
	// execution past the machine's.
	ErrTimeout = "States.Timeout"
	// ErrRuntime is a path that matches nothing, or data of the wrong
	// kind for a field; no Retry or Catch on ErrAll handles it.
	ErrRuntime = "States.Runtime"
	// ErrIntrinsicFailure is an intrinsic function given arguments it
	// cannot use.
	ErrIntrinsicFailure = "States.IntrinsicFailure"
	// ErrNoChoiceMatched is a Choice state with no matching rule and no
	// Default.
	ErrNoChoiceMatched = "States.NoChoiceMatched"
	// ErrResultPathMatchFailure is a ResultPath that cannot be placed in
	// the state's input.
	ErrResultPathMatchFailure = "States.ResultPathMatchFailure"
	// ErrExceedToleratedFailureThreshold is a Map whose failed
	// iterations exceed its tolerated count or percentage.
	ErrExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
	// ErrItemReaderFailed is a Map whose items could not be read.
	ErrItemReaderFailed = "States.ItemReaderFailed"
	// ErrResultWriterFailed is a Map whose results could not be written.
	ErrResultWriterFailed = "States.ResultWriterFailed"
)

func runtimeError(format string, args ...any) *Failure {
	return &Failure{Name: ErrRuntime, Cause: fmt.Sprintf(format, args...)}
}

// matches reports whether a Retry or Catch naming names handles the
// error called name.
func matches(names []string, name string) bool {
	for _, n := range names {
		switch {
		case n == name:
			return true
		case name == ErrRuntime:
		case n == ErrAll:
			return true
		case n == ErrTaskFailed && name != ErrTimeout:
			return true
		}
	}
	return false
}
