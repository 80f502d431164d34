// Package storetest is the one test suite every run store passes: the
// same cases against PostgreSQL and the embedded SQLite file.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// Factory makes the databases a suite runs on.
type Factory struct {
	// New returns the location (a file path or a DSN) of a new, empty
	// database.
	New func(tb testing.TB) string
	// Open opens the store at loc, migrating it.
	Open func(ctx context.Context, loc string) (sluice.RunStore, error)
	// OpenVersion opens it migrated only up to version.
	OpenVersion func(ctx context.Context, loc string, version int) (sluice.RunStore, error)
	// Exec runs one SQL statement on the database at loc, outside the
	// store (to write what an older Sluice wrote).
	Exec func(ctx context.Context, loc, stmt string) error
}

// open opens the store at loc, closing it when the test ends.
func (f Factory) open(tb testing.TB, loc string) sluice.RunStore {
	tb.Helper()
	s, err := f.Open(context.Background(), loc)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Run runs the suite.
func Run(t *testing.T, f Factory) {
	for name, test := range map[string]func(*testing.T, Factory){
		"MigrationsFromEmpty":  testMigrations,
		"MigrationFromV1":      testUpgrade,
		"RoundTrip":            testRoundTrip,
		"Upsert":               testUpsert,
		"Filters":              testFilters,
		"LatestSucceeded":      testLatestSucceeded,
		"Lookup":               testLookup,
		"Lineage":              testLineage,
		"LineageThroughCopies": testLineageCopies,
		"Prune":                testPrune,
		"ConcurrentWriters":    testConcurrent,
	} {
		t.Run(name, func(t *testing.T) { test(t, f) })
	}
}

const t0Unix = 1796119200 // 2026-12-01T10:00:00Z

func t0() time.Time { return time.Unix(t0Unix, 0).UTC() }

// run returns a finished run of pipeline in env, started at minute m.
func run(env, pipeline, name string, m int) sluice.RunRecord {
	return sluice.RunRecord{ID: "arn:aws:states:local:000000000000:execution:" + env + "-" + pipeline + ":" + name, Name: name,
		Project: "demo", Pipeline: pipeline, Environment: env, Backend: "local", Revision: "abc123", SpecHash: "h1",
		Parameters: json.RawMessage(`{"epochs":3,"lr":0.1}`), Status: sluice.ExecutionSucceeded,
		Started: t0().Add(time.Duration(m) * time.Minute), Stopped: t0().Add(time.Duration(m+1) * time.Minute), Origin: "arn:origin"}
}

func testMigrations(t *testing.T, f Factory) {
	loc := f.New(t)
	s := f.open(t, loc)
	v, ok := s.(interface{ Version() int })
	if !ok || v.Version() < 1 {
		t.Fatalf("a store opened on an empty database reports no schema version")
	}
	r := run("dev", "training", "r1", 0)
	if err := s.PutRun(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	// Opening again migrates nothing and keeps what was written.
	again := f.open(t, loc)
	if again.(interface{ Version() int }).Version() != v.Version() {
		t.Fatal("reopening changed the schema version")
	}
	got, err := again.Run(context.Background(), "", r.ID)
	if err != nil || !reflect.DeepEqual(got.RunRecord, r) {
		t.Fatalf("after reopening: %+v, %v; want %+v", got.RunRecord, err, r)
	}
}

// testUpgrade writes a run as the first schema held it, opens the store
// (which migrates), and reads the run back, then writes a run with what
// the newer schema adds.
func testUpgrade(t *testing.T, f Factory) {
	ctx := context.Background()
	loc := f.New(t)
	old, err := f.OpenVersion(ctx, loc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v := old.(interface{ Version() int }).Version(); v != 1 {
		t.Fatalf("opened at version %d, want 1", v)
	}
	_ = old.Close()
	err = f.Exec(ctx, loc, `INSERT INTO runs (id, name, project, pipeline, environment, backend, revision, spec_hash, parameters,
		status, started, stopped, error, cause) VALUES ('arn:old', 'old', 'demo', 'training', 'dev', 'local', 'abc', 'h1',
		'{"epochs":3}', 'SUCCEEDED', 1000, 2000, '', '')`)
	if err != nil {
		t.Fatal(err)
	}
	s := f.open(t, loc)
	if v := s.(interface{ Version() int }).Version(); v < 2 {
		t.Fatalf("after reopening: version %d, want the newest", v)
	}
	got, err := s.Run(ctx, "dev", "old")
	want := sluice.RunRecord{ID: "arn:old", Name: "old", Project: "demo", Pipeline: "training", Environment: "dev", Backend: "local",
		Revision: "abc", SpecHash: "h1", Parameters: json.RawMessage(`{"epochs":3}`), Status: sluice.ExecutionSucceeded,
		Started: time.UnixMicro(1000).UTC(), Stopped: time.UnixMicro(2000).UTC()}
	if err != nil || !reflect.DeepEqual(got.RunRecord, want) {
		t.Fatalf("a run written at version 1, read after the upgrade: %+v, %v; want %+v", got.RunRecord, err, want)
	}
	mustPut(t, s, run("dev", "training", "new", 5), nil, nil)
	// A database a newer Sluice migrated is refused, not written.
	if err := f.Exec(ctx, loc, `INSERT INTO runstore_migrations (version, name, applied) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if s, err := f.Open(ctx, loc); err == nil || !strings.Contains(err.Error(), "newer than this Sluice knows") {
		if err == nil {
			_ = s.Close()
		}
		t.Fatalf("opening a database of a newer schema: %v, want it refused", err)
	}
}

func testRoundTrip(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	r := run("dev", "training", "r1", 0)
	r.Status, r.Error, r.Cause = sluice.ExecutionFailed, "States.TaskFailed", "job exited with status 2"
	zero, two := 0, 2
	attempts := []sluice.AttemptRecord{
		{RunID: r.ID, Step: "prepare", Path: "prepare", Attempt: 1, JobID: "j1", Status: sluice.ExecutionSucceeded,
			Started: t0(), Stopped: t0().Add(time.Second), ExitCode: &zero, Log: "/data/jobs/j1.log", Outputs: json.RawMessage(`{"shards":[1,2]}`)},
		{RunID: r.ID, Step: "train", Path: "shard.foreach/1/train", Attempt: 2, ForeachIndex: []int{1},
			ForeachItem: json.RawMessage(`{"shard":2}`), JobID: "j3", Status: sluice.ExecutionFailed, Started: t0().Add(2 * time.Second),
			Stopped: t0().Add(3 * time.Second), ExitCode: &two, Error: "States.TaskFailed", Cause: "exited with status 2"},
		{RunID: r.ID, Step: "train", Path: "shard.foreach/0/train", Attempt: 1, ForeachIndex: []int{0}, Status: sluice.ExecutionRunning,
			Started: t0().Add(4 * time.Second)},
	}
	arts := []sluice.ArtifactRecord{
		{RunID: r.ID, Path: "prepare", Attempt: 1, URI: "s3://b/training/r1/prepare/data.csv", Size: 42, Checksum: "sha256:00ff", Written: t0()},
		{RunID: r.ID, Path: "prepare", Attempt: 1, URI: "s3://b/training/r1/prepare/outputs.json", Size: 16, Checksum: "sha256:ab", Written: t0()},
	}
	mustPut(t, s, r, attempts, arts)
	got, err := s.Run(ctx, "dev", "r1")
	if err != nil {
		t.Fatal(err)
	}
	want := sluice.RunDetail{RunRecord: r, Attempts: attempts, Artifacts: arts}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back:\n%+v\nwant\n%+v", got, want)
	}
}

func testUpsert(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	r := run("dev", "training", "r1", 0)
	r.Status, r.Stopped = sluice.ExecutionRunning, time.Time{}
	a := sluice.AttemptRecord{RunID: r.ID, Step: "train", Path: "train", Attempt: 1, Status: sluice.ExecutionRunning, Started: t0()}
	// An attempt seen before its run (events arrive in any order).
	mustPut(t, s, sluice.RunRecord{}, []sluice.AttemptRecord{a}, nil)
	mustPut(t, s, r, []sluice.AttemptRecord{a}, nil)
	r.Status, r.Stopped = sluice.ExecutionSucceeded, t0().Add(time.Minute)
	code := 0
	a.Status, a.Stopped, a.ExitCode, a.Log = sluice.ExecutionSucceeded, t0().Add(time.Minute), &code, "/x.log"
	mustPut(t, s, r, []sluice.AttemptRecord{a}, nil)
	got, err := s.Run(ctx, "", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.RunRecord, r) {
		t.Fatalf("run after update: %+v, want %+v", got.RunRecord, r)
	}
	if len(got.Attempts) != 1 || !reflect.DeepEqual(got.Attempts[0], a) {
		t.Fatalf("attempts after update: %+v, want one: %+v", got.Attempts, a)
	}
}

func mustPut(tb testing.TB, s sluice.RunStore, r sluice.RunRecord, as []sluice.AttemptRecord, arts []sluice.ArtifactRecord) {
	tb.Helper()
	ctx := context.Background()
	if r.ID != "" {
		if err := s.PutRun(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
	for _, a := range as {
		if err := s.PutAttempt(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.PutArtifacts(ctx, arts); err != nil {
		tb.Fatal(err)
	}
}

func names(rs []sluice.RunRecord) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Environment+"/"+r.Pipeline+"/"+r.Name)
	}
	return out
}

func testFilters(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	failed := run("dev", "scoring", "r3", 2)
	failed.Status = sluice.ExecutionFailed
	// Another project's dev, as a second repository of one daemon has.
	other := run("dev", "training", "r5", 4)
	other.ID, other.Project = other.ID+"-other", "other"
	for _, r := range []sluice.RunRecord{run("dev", "training", "r1", 0), run("prod", "training", "r2", 1), failed, run("dev", "training", "r4", 3), other} {
		mustPut(t, s, r, nil, nil)
	}
	for _, tc := range []struct {
		f    sluice.RunFilter
		want []string
	}{
		{sluice.RunFilter{}, []string{"dev/training/r5", "dev/training/r4", "dev/scoring/r3", "prod/training/r2", "dev/training/r1"}},
		{sluice.RunFilter{Environment: "dev", Project: "demo"}, []string{"dev/training/r4", "dev/scoring/r3", "dev/training/r1"}},
		{sluice.RunFilter{Environment: "dev", Project: "other"}, []string{"dev/training/r5"}},
		{sluice.RunFilter{Pipeline: "training", Project: "demo"}, []string{"dev/training/r4", "prod/training/r2", "dev/training/r1"}},
		{sluice.RunFilter{Status: sluice.ExecutionFailed}, []string{"dev/scoring/r3"}},
		{sluice.RunFilter{Environment: "dev", Project: "demo", Limit: 2}, []string{"dev/training/r4", "dev/scoring/r3"}},
		{sluice.RunFilter{Environment: "qa"}, []string{}},
		{sluice.RunFilter{Name: "r2"}, []string{"prod/training/r2"}},
		{sluice.RunFilter{Environment: "dev", Name: "r2"}, []string{}},
	} {
		got, err := s.Runs(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(names(got), tc.want) {
			t.Errorf("Runs(%+v) = %v, want %v", tc.f, names(got), tc.want)
		}
	}
}

func testLookup(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	a, b := run("dev", "training", "same", 0), run("dev", "scoring", "same", 1)
	mustPut(t, s, a, nil, nil)
	mustPut(t, s, b, nil, nil)
	if _, err := s.Run(ctx, "dev", "same"); sluice.KindOf(err) != sluice.KindConflict {
		t.Errorf("a name two runs share: %v, want a conflict", err)
	}
	if got, err := s.Run(ctx, "dev", a.ID); err != nil || got.ID != a.ID {
		t.Errorf("by id: %v, %v", got.ID, err)
	}
	if _, err := s.Run(ctx, "prod", a.ID); sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("in another environment: %v, want not found", err)
	}
	if _, err := s.Run(ctx, "", "nothing"); sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("unknown run: %v, want not found", err)
	}
}

func testLineage(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	r := run("dev", "training", "r1", 0)
	a := sluice.AttemptRecord{RunID: r.ID, Step: "train", Path: "train", Attempt: 2, Status: sluice.ExecutionSucceeded, Started: t0()}
	art := sluice.ArtifactRecord{RunID: r.ID, Path: "train", Attempt: 2, URI: "s3://b/training/r1/train/model.pkl", Size: 9, Written: t0()}
	mustPut(t, s, r, []sluice.AttemptRecord{a}, []sluice.ArtifactRecord{art})
	l, err := s.Lineage(ctx, art.URI)
	if err != nil {
		t.Fatal(err)
	}
	if l.Run.ID != r.ID || l.Run.Revision != "abc123" || l.Attempt.Attempt != 2 || l.Artifact.Size != 9 {
		t.Fatalf("lineage: %+v", l)
	}
	if _, err := s.Lineage(ctx, "s3://b/other"); sluice.KindOf(err) != sluice.KindNotFound {
		t.Fatalf("unknown artifact: %v, want not found", err)
	}
}

func testPrune(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	old, recent, going := run("dev", "t", "old", 0), run("dev", "t", "recent", 100), run("dev", "t", "going", 1)
	going.Status, going.Stopped = sluice.ExecutionRunning, time.Time{}
	a := sluice.AttemptRecord{RunID: old.ID, Step: "s", Path: "s", Attempt: 1, Status: sluice.ExecutionSucceeded, Started: t0()}
	art := sluice.ArtifactRecord{RunID: old.ID, Path: "s", Attempt: 1, URI: "s3://b/t/old/s/x", Written: t0()}
	mustPut(t, s, old, []sluice.AttemptRecord{a}, []sluice.ArtifactRecord{art})
	mustPut(t, s, recent, nil, nil)
	mustPut(t, s, going, nil, nil)
	n, err := s.Prune(ctx, t0().Add(50*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1 run", n, err)
	}
	got, _ := s.Runs(ctx, sluice.RunFilter{})
	if !reflect.DeepEqual(names(got), []string{"dev/t/recent", "dev/t/going"}) {
		t.Fatalf("after pruning: %v", names(got))
	}
	if _, err := s.Lineage(ctx, art.URI); sluice.KindOf(err) != sluice.KindNotFound {
		t.Fatalf("a pruned run's artifact still has lineage: %v", err)
	}
}

// testConcurrent writes from two stores on one database (two daemons,
// or a daemon and a CLI) and several goroutines each: nothing is lost.
func testConcurrent(t *testing.T, f Factory) {
	ctx := context.Background()
	loc := f.New(t)
	stores := []sluice.RunStore{f.open(t, loc), f.open(t, loc)}
	const writers, runs = 6, 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers*runs)
	for w := range writers {
		wg.Go(func() {
			s := stores[w%len(stores)]
			for i := range runs {
				r := run("dev", fmt.Sprintf("p%d", w), fmt.Sprintf("r%d", i), i)
				errs <- s.PutRun(ctx, r)
				errs <- s.PutAttempt(ctx, sluice.AttemptRecord{RunID: r.ID, Step: "s", Path: "s", Attempt: 1, Status: r.Status, Started: r.Started})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := stores[0].Runs(ctx, sluice.RunFilter{Limit: 1000})
	if err != nil || len(got) != writers*runs {
		t.Fatalf("after concurrent writes: %d runs, %v; want %d", len(got), err, writers*runs)
	}
	d, err := stores[1].Run(ctx, "", got[0].ID)
	if err != nil || len(d.Attempts) != 1 {
		t.Fatalf("a run written concurrently: %+v, %v", d, err)
	}
}

// testLatestSucceeded: each pipeline's newest succeeded run of the
// environment and project asked, newer failed runs, other environments
// and other projects aside.
func testLatestSucceeded(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	failed := run("dev", "training", "t3", 5)
	failed.Status = sluice.ExecutionFailed
	other := run("dev", "training", "o1", 9)
	other.ID, other.Project = other.ID+"-other", "other"
	for _, r := range []sluice.RunRecord{run("dev", "training", "t1", 0), run("dev", "training", "t2", 2), failed,
		run("dev", "scoring", "s1", 1), run("prod", "training", "p1", 8), other} {
		mustPut(t, s, r, nil, nil)
	}
	for _, tc := range []struct {
		env, project string
		want         map[string]string
	}{
		{"dev", "demo", map[string]string{"training": "t2", "scoring": "s1"}},
		{"dev", "other", map[string]string{"training": "o1"}},
		{"prod", "", map[string]string{"training": "p1"}},
		{"qa", "", map[string]string{}},
	} {
		got, err := s.LatestSucceeded(ctx, tc.env, tc.project)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("LatestSucceeded(%s, %q) = %v, want %v", tc.env, tc.project, got, tc.want)
		}
	}
}
