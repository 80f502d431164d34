package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
)

// TestSentence checks the one-line errors apply shows while waiting.
func TestSentence(t *testing.T) {
	api := &smithy.GenericAPIError{Code: "ClientException", Message: "computeEnvironment x is not VALID"}
	sdk := fmt.Errorf("operation error Batch: CreateJobQueue, https response error StatusCode: 400, RequestID: 1f2e: %w", api)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"AWS error under the wrappers", sluice.Waiting(time.Second, sluice.E("batch.Create: JobQueue/cpu", sluice.KindConflict, sdk)),
			"AWS answered ClientException: computeEnvironment x is not VALID"},
		{"Sluice's own cause", sluice.Waiting(time.Second, sluice.E("rds.Create: DBInstance/db", sluice.KindTransient, errors.New("the instance is creating"))),
			"the instance is creating"},
		{"plain error", errors.New("boom"), "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sentence(tt.err, false); got != tt.want {
				t.Errorf("sentence = %q, want %q", got, tt.want)
			}
			if got := sentence(tt.err, true); got != tt.err.Error() {
				t.Errorf("with --debug: %q, want the whole chain %q", got, tt.err.Error())
			}
		})
	}
	if got := sentence(tests[0].err, true); !strings.Contains(got, "RequestID") {
		t.Errorf("--debug lost the SDK's details: %q", got)
	}
}
