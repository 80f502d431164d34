package local

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
)

// Sandbox says how a World isolates the steps it runs. The zero value
// is the safe one: every step runs under bubblewrap.
//
// A sandboxed step is a process in its own user, PID, IPC, UTS and
// mount namespaces, with no capabilities, as user nobody (65534), in a
// file system made of: the system's programs and libraries read-only
// (/usr and the /bin, /sbin, /lib* beside it), a few files of /etc that
// programs need (passwd, group, hosts, resolv.conf, nsswitch.conf,
// ld.so.cache, localtime, ssl and ca-certificates, alternatives), the
// paths of ReadOnly, the Workdir read-only, the directories of the
// buckets of its own project and environment read-write, a fresh /proc
// of its PID namespace, a minimal /dev and an empty /tmp. Nothing else
// of the host exists in it: not the daemon's configuration, secret
// files or state file, not the rest of the data directory (records,
// job logs, executions, other environments' buckets), not the daemon's
// /proc. Its environment is built from scratch (environ). The network
// is shared with the host.
type Sandbox struct {
	// Off runs steps as plain child processes of Sluice, able to read
	// whatever Sluice's user can. Only an explicit configuration sets it.
	Off bool
	// Bwrap is the bubblewrap program; empty: bwrap, found on PATH.
	Bwrap string
	// ReadOnly are more host paths a step may read (a tool chain
	// outside /usr, a model cache); each must exist.
	ReadOnly []string
}

// Errors of the sandbox.
var (
	// ErrSandbox is returned (wrapped) by a step that could not be
	// started in its sandbox: bubblewrap missing, user namespaces
	// disabled, a ReadOnly path missing.
	ErrSandbox = errors.New("the step sandbox cannot be set up")
)

// The sandbox's fixed parts.
const (
	// sandboxUID is the user (and group) a step runs as inside its
	// namespace: nobody. Outside, its files belong to Sluice's user.
	sandboxUID = "65534"
	// stepPath is a step's PATH unless it declares one, an image's
	// usual default.
	stepPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	// statusFD is the descriptor bubblewrap reports the step's exit
	// status on (the first of exec.Cmd.ExtraFiles).
	statusFD = "3"
)

// systemDirs are the top-level directories of programs and libraries a
// step sees read-only (as symbolic links when the host has them so).
func systemDirs() []string {
	return []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}
}

// etcFiles are the files of /etc a step sees read-only when they exist:
// what name lookup, TLS and dynamic linking need, no credentials.
func etcFiles() []string {
	return []string{"/etc/passwd", "/etc/group", "/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf",
		"/etc/ld.so.cache", "/etc/localtime", "/etc/ssl", "/etc/ca-certificates", "/etc/alternatives"}
}

// bwrap returns the bubblewrap program of s.
func (s Sandbox) bwrap() string {
	if s.Bwrap != "" {
		return s.Bwrap
	}
	return "bwrap"
}

// wrap returns the argument list running args in j's sandbox; the
// first element is the bubblewrap program. The command is started by
// /bin/sh with umask 077 (bubblewrap sets none), so what a step writes
// into its buckets is readable by Sluice's user alone.
func (w *World) wrap(j *job, args []string) []string {
	out := []string{w.opts.Sandbox.bwrap(),
		"--unshare-user", "--uid", sandboxUID, "--gid", sandboxUID, "--cap-drop", "ALL",
		"--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
		"--die-with-parent", "--new-session", "--json-status-fd", statusFD}
	out = append(out, systemMounts()...)
	for _, p := range w.opts.Sandbox.ReadOnly {
		out = append(out, "--ro-bind", p, p)
	}
	out = append(out, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp")
	for _, d := range j.Buckets {
		out = append(out, "--bind", d, d)
	}
	if w.workdirSet {
		out = append(out, "--ro-bind", w.opts.Workdir, w.opts.Workdir)
	}
	out = append(out, "--chdir", w.runDir(), "--", "/bin/sh", "-c", `umask 077 && exec "$@"`, "sluice-step")
	return append(out, args...)
}

// systemMounts are the bubblewrap arguments of systemDirs and etcFiles.
func systemMounts() []string {
	var out []string
	for _, d := range systemDirs() {
		fi, err := os.Lstat(d)
		switch {
		case err != nil:
		case fi.Mode()&os.ModeSymlink != 0:
			if target, err := os.Readlink(d); err == nil {
				out = append(out, "--symlink", target, d)
			}
		case fi.IsDir():
			out = append(out, "--ro-bind", d, d)
		}
	}
	for _, f := range etcFiles() {
		out = append(out, "--ro-bind-try", f, f)
	}
	return out
}

// environ is a step's whole environment, built from nothing: PATH (an
// image's default unless the step declares one), HOME=/tmp, the step's
// declared variables (the SLUICE_* context among them) with s3://
// rewritten to local buckets, and Batch's AWS_BATCH_* variables. Not
// one variable of Sluice's own environment reaches it.
func (w *World) environ(j *job) []string {
	env := []string{"PATH=" + stepPath, "HOME=/tmp"}
	for _, kv := range j.Env {
		env = append(env, w.rewrite(kv))
	}
	return append(env, "AWS_BATCH_JOB_ID="+j.ID, "AWS_BATCH_JQ_NAME="+j.Queue, "AWS_BATCH_CE_NAME="+j.ComputeEnvironment)
}

// envBuckets returns the directories of the buckets that belong to the
// project and environment of job definition name: those a sandboxed
// step may write, as the job role of its environment lets a Batch job
// reach its own artifact stores. w.mu must be held.
func (w *World) envBuckets(name string) ([]string, error) {
	def, err := w.read(sluice.TypeJobDefinition, name)
	if err != nil || def == nil {
		return nil, err
	}
	recs, err := w.list(sluice.TypeBucket)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range recs {
		if r.Tags[sluice.TagProject] != def.Tags[sluice.TagProject] || r.Tags[sluice.TagEnvironment] != def.Tags[sluice.TagEnvironment] {
			continue
		}
		if fi, err := os.Stat(w.BucketDir(r.Name)); err == nil && fi.IsDir() {
			out = append(out, w.BucketDir(r.Name))
		}
	}
	return out, nil
}

// probe runs `true` in an empty sandbox once, until it works, so that a
// sandbox that cannot be set up fails the step with the reason and what
// to do instead of a step's error.
func (w *World) probe(ctx context.Context) error {
	w.sandboxMu.Lock()
	defer w.sandboxMu.Unlock()
	if w.sandboxOK {
		return nil
	}
	prog := w.opts.Sandbox.bwrap()
	args := append([]string{"--unshare-user", "--uid", sandboxUID, "--gid", sandboxUID, "--cap-drop", "ALL",
		"--unshare-pid", "--die-with-parent"}, systemMounts()...)
	for _, p := range w.opts.Sandbox.ReadOnly {
		args = append(args, "--ro-bind", p, p)
	}
	args = append(args, "--proc", "/proc", "--dev", "/dev", "--", "true")
	out, err := exec.CommandContext(ctx, prog, args...).CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %s %s: %v: %s (install bubblewrap (Debian: apt-get install bubblewrap) and allow user namespaces, "+
			"fix local.sandbox in the configuration, or set local.sandbox.off: true to run steps unsandboxed)",
			ErrSandbox, prog, strings.Join(args[:3], " ")+" ...", err, strings.TrimSpace(string(out)))
	}
	w.sandboxOK = true
	return nil
}

// bwrapStatus is what bubblewrap reported on its status pipe.
type bwrapStatus struct {
	// childPID is the host PID of the sandbox's first process, the init
	// of its PID namespace; 0 when not reported.
	childPID int
	// ran is whether the step's command ran to an exit status:
	// bubblewrap reports none when it could not set up the sandbox or
	// start the command.
	ran bool
}

// sandboxStatus reads bubblewrap's status pipe, a stream of JSON
// objects ({"child-pid": N, ...} then {"exit-code": N}).
func sandboxStatus(r io.Reader) bwrapStatus {
	var st bwrapStatus
	dec := json.NewDecoder(r)
	for {
		var m struct {
			ChildPID *int `json:"child-pid"`
			ExitCode *int `json:"exit-code"`
		}
		if dec.Decode(&m) != nil {
			return st
		}
		if m.ChildPID != nil {
			st.childPID = *m.ChildPID
		}
		if m.ExitCode != nil {
			st.ran = true
		}
	}
}

// waitGone waits until process pid has exited (gone, or a zombie),
// polling, for at most limit. bubblewrap exits as soon as its command
// has, while the init of the sandbox's PID namespace (orphaned by then)
// is still ending. For the init of a PID namespace that
// means every process of the namespace has exited: the kernel kills
// them all when it dies and lets it exit only once they have.
func waitGone(ctx context.Context, pid int, limit time.Duration) {
	if pid <= 0 {
		return
	}
	deadline := time.Now().Add(limit)
	// The init usually ends within a millisecond of bubblewrap: look
	// again soon, then less often.
	for pause := 100 * time.Microsecond; time.Now().Before(deadline); pause = min(2*pause, 5*time.Millisecond) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return
		}
		if f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:])); len(f) == 0 || f[0] == "Z" || f[0] == "X" {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
	}
}

// bwrapError returns the last line bubblewrap wrote to the log at path
// ("" when there is none): why it could not start the step.
func bwrapError(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	last := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "bwrap: ") {
			last = sc.Text()
		}
	}
	return last
}

// Sandbox returns how w isolates the steps it runs.
func (w *World) Sandbox() Sandbox { return w.opts.Sandbox }

// Equal reports whether s and o isolate steps the same way.
func (s Sandbox) Equal(o Sandbox) bool {
	return s.Off == o.Off && s.Bwrap == o.Bwrap && slices.Equal(s.ReadOnly, o.ReadOnly)
}

// runDir is the directory a job's command runs in: the Workdir; in a
// sandbox with no Workdir configured, /tmp (the data directory, the
// default Workdir, is not in the sandbox).
func (w *World) runDir() string {
	if !w.opts.Sandbox.Off && !w.workdirSet {
		return "/tmp"
	}
	return w.opts.Workdir
}
