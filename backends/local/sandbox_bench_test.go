package local_test

import (
	"testing"

	"github.com/sluice-dev/sluice/backends/local"
)

// BenchmarkRunTaskSandbox measures what the sandbox adds to one job
// (`true`): the same job run in bubblewrap and unsandboxed. The
// difference between the two is the cost per step of the sandbox.
func BenchmarkRunTaskSandbox(b *testing.B) {
	for _, tt := range []struct {
		name    string
		sandbox local.Sandbox
	}{{"bwrap", local.Sandbox{}}, {"off", local.Sandbox{Off: true}}} {
		b.Run(tt.name, func(b *testing.B) {
			w := mustWorld(b, local.Options{Workdir: b.TempDir(), Sandbox: tt.sandbox})
			deployJobB(b, w)
			task := submit("churn-dev-step", nil, nil)
			for b.Loop() {
				if _, err := w.RunTask(b.Context(), task); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
