package statestore_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

// The child processes: the test binary re-executed with one of these set to
// the state file's path runs only TestChildProcess, which plays that part.
const (
	childWriterEnv = "STATESTORE_TEST_WRITER"
	childHolderEnv = "STATESTORE_TEST_HOLDER"
	crashDepth     = 10
)

func TestChildProcess(t *testing.T) {
	switch {
	case os.Getenv(childWriterEnv) != "":
		writeUntilKilled(t, os.Getenv(childWriterEnv))
	case os.Getenv(childHolderEnv) != "":
		holdUntilKilled(t, os.Getenv(childHolderEnv))
	default:
		t.Skip("runs only as a child process of the crash and lock tests")
	}
}

// child starts the test binary as a child process with env set to path and
// returns it with a reader of its stdout.
func child(t *testing.T, env, path string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewScanner(out)
}

// crashRecord is the record the writer commits at step n.
func crashRecord(n int) statestore.Record {
	r := record(sluice.ResourceID(fmt.Sprintf("Bucket/r%06d", n)))
	r.Spec = json.RawMessage(fmt.Sprintf(`{"n":%d,"pad":%q}`, n, strings.Repeat("x", 64+n%300)))
	r.SpecHash = strconv.Itoa(n)
	return r
}

// writeUntilKilled resolves any op a killed predecessor left pending, then
// loops as the reconciler does: journal an op, then record the resource,
// end the op and note the revision, printing each step it committed.
func writeUntilKilled(t *testing.T, path string) {
	s, err := statestore.Open(path, statestore.Options{Timeout: 5 * time.Second, HistoryDepth: crashDepth})
	must(t, err)
	var n int
	mustUpdate(t, s, func(tx *statestore.Tx) error {
		ops, err := tx.PendingOps("dev")
		for _, o := range ops {
			if err := tx.EndOp("dev", o.Seq); err != nil {
				return err
			}
		}
		res, _ := tx.Resources("dev")
		n = len(res)
		return err
	})
	for n++; ; n++ {
		var seq uint64
		mustUpdate(t, s, func(tx *statestore.Tx) (err error) {
			seq, err = tx.BeginOp("dev", statestore.Op{ID: crashRecord(n).ID, Action: statestore.ActionCreate})
			return err
		})
		mustUpdate(t, s, func(tx *statestore.Tx) error {
			mustPut(t, tx, "dev", crashRecord(n))
			if err := tx.EndOp("dev", seq); err != nil {
				return err
			}
			if err := tx.AppendHistory("dev", statestore.Entry{Revision: strconv.Itoa(n)}); err != nil {
				return err
			}
			return tx.PutMeta("dev", statestore.Meta{LastAppliedRevision: strconv.Itoa(n)})
		})
		fmt.Printf("committed %d\n", n)
	}
}

func holdUntilKilled(t *testing.T, path string) {
	_, err := statestore.Open(path, statestore.Options{})
	must(t, err)
	fmt.Println("held")
	time.Sleep(time.Minute)
}

// TestCrashSafety kills a writing child process with SIGKILL at random
// moments; after each kill the file must open, pass Check and hold every
// step the child reported committed, with nothing half-written.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	path := filepath.Join(t.TempDir(), "state.db")
	committed, midStep := 0, 0
	for trial := range 24 {
		cmd, out := child(t, childWriterEnv, path)
		if !out.Scan() {
			t.Fatalf("trial %d: child committed nothing", trial)
		}
		lines := make(chan int, 1)
		go func() { lines <- lastCommitted(out) }()
		time.Sleep(time.Duration(rng.IntN(40_000)) * time.Microsecond)
		must(t, cmd.Process.Kill())
		_ = cmd.Wait()
		committed = max(committed, <-lines)
		if verifyAfterCrash(t, path, committed) {
			midStep++
		}
	}
	t.Logf("%d steps committed; %d kills left an op pending", committed, midStep)
	if committed < 24 {
		t.Errorf("only %d steps committed over all trials", committed)
	}
}

// lastCommitted returns the last step out reports committed.
func lastCommitted(out *bufio.Scanner) int {
	last := 0
	for ok := true; ok; ok = out.Scan() {
		if v, found := strings.CutPrefix(out.Text(), "committed "); found {
			last, _ = strconv.Atoi(v)
		}
	}
	return last
}

// verifyAfterCrash reports whether the kill left an op pending.
func verifyAfterCrash(t *testing.T, path string, committed int) (pending bool) {
	t.Helper()
	s, err := statestore.Open(path, statestore.Options{HistoryDepth: crashDepth})
	must(t, err)
	defer func() { _ = s.Close() }()
	if err := s.Check(); err != nil {
		t.Fatalf("after %d steps: %v", committed, err)
	}
	mustView(t, s, func(tx *statestore.Tx) error {
		res, err := tx.Resources("dev")
		must(t, err)
		if len(res) < committed {
			t.Fatalf("%d records after %d reported committed", len(res), committed)
		}
		for i, r := range res {
			if want := crashRecord(i + 1); string(r.Spec) != string(want.Spec) || r.ID != want.ID {
				t.Fatalf("record %d = %s %s, want %s", i+1, r.ID, r.Spec, want.Spec)
			}
		}
		pending = verifyJournal(t, tx, len(res))
		return nil
	})
	return pending
}

// verifyJournal checks that the meta, history and pending ops agree with
// the n records present: each step's writes are all there or none. It
// reports whether an op is pending.
func verifyJournal(t *testing.T, tx *statestore.Tx, n int) bool {
	t.Helper()
	m, err := tx.Meta("dev")
	if err != nil || m.LastAppliedRevision != strconv.Itoa(n) {
		t.Fatalf("meta = %+v, %v; want revision %d", m, err, n)
	}
	h, err := tx.History("dev")
	if err != nil || len(h) != min(n, crashDepth) || h[0].Revision != strconv.Itoa(n) {
		t.Fatalf("history has %d entries, newest %+v, %v; want %d, newest %d", len(h), h[0], err, min(n, crashDepth), n)
	}
	ops, err := tx.PendingOps("dev")
	if err != nil || len(ops) > 1 {
		t.Fatalf("pending ops %+v, %v; want at most one", ops, err)
	}
	if len(ops) == 1 && ops[0].ID != crashRecord(n+1).ID {
		t.Fatalf("pending op for %s, want for the next record %s", ops[0].ID, crashRecord(n+1).ID)
	}
	return len(ops) == 1
}

// TestOpenLockedByProcess holds the file in another process: Open fails
// with ErrLocked, and succeeds once that process is killed.
func TestOpenLockedByProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	cmd, out := child(t, childHolderEnv, path)
	if !out.Scan() || out.Text() != "held" {
		t.Fatalf("child did not take the lock: %q", out.Text())
	}
	_, err := statestore.Open(path, statestore.Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, statestore.ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open = %v, want ErrLocked naming %s", err, path)
	}
	must(t, cmd.Process.Kill())
	_ = cmd.Wait()
	s, err := statestore.Open(path, statestore.Options{})
	must(t, err)
	must(t, s.Close())
}
