package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// running is a job's started process.
type running struct {
	cmd *exec.Cmd
	// args are the job's command as it runs, s3:// rewritten: what its
	// description reports.
	args []string
	// status is the read end of bubblewrap's status pipe; nil when the
	// job runs unsandboxed.
	status *os.File
	log    string
	// out is what the process writes to; wait flushes it before reading
	// the log.
	out io.Writer
}

// start starts j's command, in its sandbox unless the World's
// configuration turned that off, with its output going to logf (the log
// at logPath, through its filter). It
// fails when the sandbox cannot be set up (ErrSandbox) or the process
// cannot be started; the returned running is nil only when ctx ended
// first.
func (w *World) start(ctx context.Context, j *job, logf io.Writer, logPath string) (*running, error) {
	r := &running{args: make([]string, len(j.Command)), log: logPath, out: logf}
	for i, a := range j.Command {
		r.args[i] = w.rewrite(a)
	}
	w.header(logf, j, r.args)
	argv := r.args
	if !w.opts.Sandbox.Off {
		if err := w.probe(ctx); err != nil {
			return r, err
		}
		argv = w.wrap(j, r.args)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = w.environ(j)
	cmd.Dir = w.stepDir()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var statusW *os.File
	if !w.opts.Sandbox.Off {
		pr, pw, err := os.Pipe()
		if err != nil {
			return r, err
		}
		r.status, statusW = pr, pw
		cmd.ExtraFiles = []*os.File{pw}
	}
	err := cmd.Start()
	if statusW != nil {
		_ = statusW.Close()
	}
	if err != nil {
		r.closeStatus()
		return r, err
	}
	r.cmd = cmd
	return r, nil
}

// stepDir is the directory Sluice starts a job's process in: the
// Workdir unsandboxed; in a sandbox, bubblewrap changes to the Workdir
// (or /tmp) itself, so the process starts at /.
func (w *World) stepDir() string {
	if w.opts.Sandbox.Off {
		return w.opts.Workdir
	}
	return "/"
}

// wait waits for the process to end. A sandboxed process that never
// reached its command fails with the reason bubblewrap logged: the
// sandbox could not be set up (ErrSandbox), or the command could not
// be executed. It returns once every process of the sandbox has
// exited.
func (r *running) wait() error {
	err := r.cmd.Wait()
	if errors.Is(err, exec.ErrWaitDelay) {
		// The command succeeded, but something it left running held its
		// output open past WaitDelay: the output is cut there.
		err = nil
	}
	if f, ok := r.out.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	if r.status == nil {
		return err
	}
	defer r.closeStatus()
	st := sandboxStatus(r.status)
	// bubblewrap has exited; what it started may still be dying.
	waitGone(context.Background(), st.childPID, r.cmd.WaitDelay)
	if st.ran || err == nil {
		return err
	}
	msg := bwrapError(r.log)
	if strings.Contains(msg, "execvp ") {
		return fmt.Errorf("%s", strings.TrimPrefix(msg, "bwrap: "))
	}
	if msg == "" {
		msg = err.Error()
	}
	return fmt.Errorf("%w: %s", ErrSandbox, msg)
}

func (r *running) closeStatus() {
	if r.status != nil {
		_ = r.status.Close()
	}
}
