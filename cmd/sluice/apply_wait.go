package main

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
)

// sentence says err in one line a person reads while waiting: the cause
// under Sluice's operation and retry wrappers, and of an AWS error its
// code and message without the SDK's request details. With debug, the
// whole chain.
func sentence(err error, debug bool) string {
	if debug {
		return err.Error()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		return fmt.Sprintf("AWS answered %s: %s", api.ErrorCode(), api.ErrorMessage())
	}
	for {
		var next error
		switch e := err.(type) { //nolint:errorlint // peels Sluice's wrappers at the top of the chain only, in order
		case *sluice.RetryError:
			next = e.Err
		case *sluice.Error:
			next = e.Err
		}
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
