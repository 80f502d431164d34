package local_test

import "testing"

// BenchmarkRunTask measures what running one job costs beyond the job's
// own work (here `true`): resolving the records, taking slots, starting
// the process, writing its log and description.
func BenchmarkRunTask(b *testing.B) {
	w := jobWorld(b, []string{"true"}, nil)
	task := submit("churn-dev-step", nil, nil)
	for b.Loop() {
		if _, err := w.RunTask(b.Context(), task); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkObserve measures reading one record back, what a drift check
// costs per resource.
func BenchmarkObserve(b *testing.B) {
	w := jobWorld(b, []string{"true"}, nil)
	tg := target("JobQueue", "cpu", "churn-dev-cpu", jqSpec)
	be := backend(b, w, "JobQueue")
	for b.Loop() {
		if _, err := be.Observe(b.Context(), tg); err != nil {
			b.Fatal(err)
		}
	}
}
