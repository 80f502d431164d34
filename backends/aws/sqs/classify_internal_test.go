package sqs

import (
	"testing"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
)

// TestAccessDeniedStalls checks that this backend's call sites take the
// shared classification: access denied, in either spelling AWS uses, is
// stalled with the same reason in every AWS backend.
func TestAccessDeniedStalls(t *testing.T) {
	for _, code := range []string{"AccessDeniedException", "AccessDenied"} {
		err := error(&smithy.GenericAPIError{Code: code, Message: "not authorized"})
		err = classify("create sqs", "s", err)
		if d, _ := sluice.RetryOf(err); d != sluice.RetryStalled {
			t.Errorf("%s: decision = %s, want stalled", code, d)
		}
		if r := sluice.ReasonOf(err); r != sluice.ReasonPermissionDenied {
			t.Errorf("%s: reason = %q, want %q", code, r, sluice.ReasonPermissionDenied)
		}
		if k := sluice.KindOf(err); k != sluice.KindPermission {
			t.Errorf("%s: kind = %q, want %q", code, k, sluice.KindPermission)
		}
	}
}
