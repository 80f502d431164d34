package sluice

// LeftBehind is returned by a backend's Delete that removed all of a
// resource Sluice owns and, on purpose, left parts it does not own (job
// definition revisions registered by hand under the same name). The
// deletion is done: the reconciler forgets the resource and reports
// What in the change's result instead of an error.
type LeftBehind struct {
	What string
}

// Error says what was left in place.
func (l *LeftBehind) Error() string { return "left in place: " + l.What }
