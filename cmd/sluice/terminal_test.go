package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// onTerminal runs the CLI with its standard output on a pseudo-terminal
// cols wide and returns what the terminal received.
func onTerminal(t *testing.T, cols uint16, args ...string) (int, string) {
	t.Helper()
	return atTerminal(t, cols, "", args...)
}

// atTerminal is onTerminal with standard input on the terminal too, a
// person having typed input.
func atTerminal(t *testing.T, cols uint16, input string, args ...string) (int, string) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer func() { _ = ptmx.Close() }()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: cols}); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, ptmx) // ends with EIO once tty is closed
		got <- b.Bytes()
	}()
	var stderr bytes.Buffer
	var stdin io.Reader = strings.NewReader("")
	if input != "" {
		stdin = tty
		if _, err := ptmx.Write([]byte(input)); err != nil {
			t.Fatal(err)
		}
	}
	code := runWith(args, stdin, tty, &stderr)
	_ = tty.Close()
	return code, string(<-got)
}

// colourTerminal makes the environment one where a terminal gets colour.
func colourTerminal(t *testing.T) {
	t.Helper()
	t.Setenv("TERM", "xterm-256color")
	for _, k := range []string{"NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "CI"} {
		t.Setenv(k, "")
	}
}

// TestColourOnATerminalOnly plans and runs on the local backend with
// standard output on a pseudo-terminal (colour and symbols), under
// NO_COLOR and piped (plain words, no escape sequences).
func TestColourOnATerminalOnly(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("the training template's steps are Python programs: python3 is not on PATH")
	}
	dir, local := freshRepo(t)
	colourTerminal(t)
	plan := append([]string{"--repo", dir, "plan", "--env", "dev"}, local...)
	code, out := onTerminal(t, 120, plan...)
	green := "\x1b[32m  +   create   StateMachine/training"
	if code != exitOK || !strings.Contains(out, green) {
		t.Errorf("plan on a terminal: exit %d, want the creation in green (%q):\n%q", code, green, out)
	}
	_, piped, _ := runCLI(t, plan...)
	if strings.Contains(piped, "\x1b[") || !strings.Contains(piped, "  +   create   StateMachine/training (new in the documents)\n") {
		t.Errorf("piped plan is not plain:\n%q", piped)
	}
	t.Setenv("NO_COLOR", "1")
	if _, out := onTerminal(t, 120, plan...); strings.Contains(out, "\x1b[") {
		t.Errorf("plan on a terminal under NO_COLOR has escape sequences:\n%q", out)
	}
	t.Setenv("NO_COLOR", "")

	if code, out, stderr := runCLI(t, append([]string{"--repo", dir, "apply", "--env", "dev"}, local...)...); code != exitOK {
		t.Fatalf("apply: exit %d:\n%s%s", code, out, stderr)
	}
	runArgs := append([]string{"--repo", dir, "run", "training", "--env", "dev", "--poll", "50ms"}, local...)
	code, out = onTerminal(t, 120, runArgs...)
	if code != exitOK || !strings.Contains(out, "✓") || !strings.Contains(out, "\x1b[32mSUCCEEDED") {
		t.Errorf("run on a terminal: exit %d, want ✓ marks and SUCCEEDED in green:\n%q", code, out)
	}
	code, piped, _ = runCLI(t, runArgs...)
	if code != exitOK || strings.ContainsAny(piped, "✓\x1b") || !strings.Contains(piped, "  ok  prepare (") {
		t.Errorf("piped run: exit %d, want plain ok lines:\n%q", code, piped)
	}
}

// TestFitCutsLinesToTheTerminal checks the cut of table lines.
func TestFitCutsLinesToTheTerminal(t *testing.T) {
	term := &terminal{width: 10}
	got := term.fit("short\n0123456789abc\nnaïve-ünïcödé-long\n")
	want := "short\n012345678…\nnaïve-ünï…\n"
	if got != want {
		t.Errorf("fit = %q, want %q", got, want)
	}
	if plain := (&terminal{}).fit("0123456789abc\n"); plain != "0123456789abc\n" {
		t.Errorf("off a terminal fit cut the line: %q", plain)
	}
}

// TestApplyAsksBeforeDeleting removes the pipeline and applies with
// --prune at a terminal: "no" changes nothing, "yes" deletes exactly the
// plan shown (the first apply, piped, was not asked anything).
func TestApplyAsksBeforeDeleting(t *testing.T) {
	dir, local := freshRepo(t)
	colourTerminal(t)
	target := append([]string{"--repo", dir}, local...)
	apply := append(append([]string{"apply"}, target...), "--env", "dev", "--prune")
	plan := append(append([]string{"plan"}, target...), "--env", "dev", "--prune", "--detailed-exitcode")
	if code, out, stderr := runCLI(t, apply...); code != exitOK {
		t.Fatalf("first apply: exit %d:\n%s%s", code, out, stderr)
	}
	if err := os.Remove(filepath.Join(dir, "deploy", "pipeline.yaml")); err != nil {
		t.Fatal(err)
	}
	code, out := atTerminal(t, 120, "no\n", apply...)
	if code != exitInvalid || !strings.Contains(out, `Only "yes" goes on`) || !strings.Contains(out, "Apply cancelled: nothing was changed.") {
		t.Errorf("apply answered no: exit %d, want 1 and a cancelled apply:\n%s", code, out)
	}
	if code, _, _ := runCLI(t, plan...); code != 2 {
		t.Errorf("plan after the cancelled apply: exit %d, want 2 (the deletions still to do)", code)
	}
	code, out = atTerminal(t, 120, "yes\n", apply...)
	if code != exitOK || !strings.Contains(out, "delete   StateMachine/training: done in ") || strings.Count(out, "Plan for dev") != 1 {
		t.Errorf("apply answered yes: exit %d, want the deletions done and the plan shown once:\n%s", code, out)
	}
	if !strings.Contains(out, " elapsed, applying ") || !strings.Contains(out, "\r\x1b[K") {
		t.Errorf("apply on a terminal: no live line naming the changes running:\n%q", out)
	}
	if code, out, _ := runCLI(t, plan...); code != exitOK {
		t.Errorf("plan after the agreed apply: exit %d, want 0:\n%s", code, out)
	}
}
